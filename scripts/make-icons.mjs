// Writes the PWA's PNG icons (a stylised bean bag — "otedama" — on a dark tile) without any image
// library: a tiny RGBA rasteriser plus the PNG container (zlib from Node). Run once; the PNGs are committed.
import { deflateSync } from 'node:zlib'
import { writeFileSync } from 'node:fs'

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
function crc32(buf) {
  let c = 0xffffffff
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length)
  out.writeUInt32BE(data.length, 0)
  out.write(type, 4, 'ascii')
  data.copy(out, 8)
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length)
  return out
}
function png(size, pixel) {
  const raw = Buffer.alloc(size * (size * 4 + 1))
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0
    for (let x = 0; x < size; x++) {
      const [r, g, b, a] = pixel(x / size, y / size)
      const o = y * (size * 4 + 1) + 1 + x * 4
      raw[o] = r
      raw[o + 1] = g
      raw[o + 2] = b
      raw[o + 3] = a
    }
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(size, 0)
  ihdr.writeUInt32BE(size, 4)
  ihdr[8] = 8
  ihdr[9] = 6
  ihdr[10] = 0
  ihdr[11] = 0
  ihdr[12] = 0
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0))
  ])
}
// Three bean bags in a juggling arc; maskable-safe (content inside the central 80 %).
const BAGS = [
  [0.34, 0.58, 0.13, [245, 166, 35]],
  [0.5, 0.36, 0.13, [232, 93, 74]],
  [0.66, 0.58, 0.13, [94, 184, 122]]
]
function pixel(u, v) {
  for (const [cx, cy, r, col] of BAGS) {
    const d = Math.hypot(u - cx, v - cy)
    if (d < r) return [...col, 255]
  }
  return [22, 27, 34, 255]
}
for (const size of [192, 512])
  writeFileSync(new URL(`../web/public/icon-${size}.png`, import.meta.url), png(size, pixel))
