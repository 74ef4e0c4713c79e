// mining.configure (BIP310) and the difficulty suggestions (suggest_difficulty, suggest_target).
import { targetToDifficulty } from '@otedama/shared/primitives'
import { SERVER_VERSION_ROLLING_MASK } from './constants'
import type { RpcId } from './json-rpc'
import type { SessionContext } from './session-context'

const HEX_U32 = /^[0-9a-fA-F]{1,8}$/
const HEX_TARGET = /^[0-9a-fA-F]{1,64}$/

/**
 * [[extension names], {extension params}] -> { "<ext>": result, ... }. version-rolling: our mask
 * AND the rig's (Q5; 1fffe000 for the usual ffffffff). minimum-difficulty: a floor for vardiff.
 * Unknown extensions answer false. cgminer VMASK builds do not connect without this reply.
 */
export function handleConfigure(session: SessionContext, id: RpcId, params: unknown[]): void {
  const [extensions, options] = params
  if (
    !Array.isArray(extensions) ||
    !extensions.every((e) => typeof e === 'string') ||
    (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options)))
  ) {
    return session.invalidParams(id, 'mining.configure takes [[extensions], {parameters}]')
  }
  const opts = (options ?? {}) as Record<string, unknown>
  const result: Record<string, unknown> = {}
  for (const ext of extensions as string[]) {
    if (ext === 'version-rolling') {
      const asked = opts['version-rolling.mask']
      const minerMask = typeof asked === 'string' && HEX_U32.test(asked) ? Number.parseInt(asked, 16) : 0xffffffff
      const mask = (SERVER_VERSION_ROLLING_MASK & minerMask) >>> 0
      session.versionMask = mask
      result['version-rolling'] = mask !== 0
      result['version-rolling.mask'] = mask.toString(16).padStart(8, '0')
    } else if (ext === 'minimum-difficulty') {
      const value = opts['minimum-difficulty.value']
      if (typeof value === 'number' && Number.isFinite(value) && value > 0) {
        session.minDifficulty = session.host.clampDifficulty(value, undefined)
        result['minimum-difficulty'] = true
        if (session.difficulty < session.minDifficulty) session.changeDifficulty(session.minDifficulty)
      } else {
        result['minimum-difficulty'] = false
      }
    } else {
      result[ext] = false
    }
  }
  session.reply(id, result)
}

/**
 * [difficulty] at any time (Q2), clamped into the floor/ceiling. A rig repeating the same value as a
 * keepalive (NerdMiner every 30 s) does not reset vardiff: only a changed suggestion applies.
 */
export function handleSuggestDifficulty(session: SessionContext, id: RpcId, params: unknown[]): void {
  const raw = params[0]
  const value = typeof raw === 'string' ? Number(raw) : raw
  if (params.length < 1 || typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    return session.invalidParams(id, 'mining.suggest_difficulty takes [difficulty > 0]')
  }
  applySuggestion(session, value)
  session.reply(id, true)
}

/** ["target hex"] (bfgminer, often id null, often before subscribe). */
export function handleSuggestTarget(session: SessionContext, id: RpcId, params: unknown[]): void {
  const raw = params[0]
  if (typeof raw !== 'string' || !HEX_TARGET.test(raw) || /^0+$/.test(raw)) {
    return session.invalidParams(id, 'mining.suggest_target takes ["target as hex"]')
  }
  const target = BigInt(`0x${raw}`)
  applySuggestion(session, targetToDifficulty(target, session.host.chain.stratumDiff1Target))
  session.reply(id, true)
}

function applySuggestion(session: SessionContext, value: number): void {
  if (value === session.lastSuggestion) return
  session.lastSuggestion = value
  session.changeDifficulty(session.host.clampDifficulty(value, session.minDifficulty))
}
