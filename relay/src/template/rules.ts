/**
 * getblocktemplate rules (BIP9 / BIP145). The client names the rules it understands; the daemon lists
 * the rules active in the template, '!' marking those a client must understand to build a valid block.
 * We refuse any rule we do not know, with or without '!', rather than risk building invalid blocks.
 */

// The rules a relay asks for are per chain, in shared chain params (`gbtRules`): bitcoin ['segwit'],
// litecoin ['mweb', 'segwit'] (litecoind refuses a template without both: -8).

/**
 * Rules this relay builds blocks for. csv and taproot change nothing in block assembly (BIP68/112/113,
 * BIP341); segwit needs the witness commitment and coinbase witness; mweb needs the HogEx kept last and
 * the MWEB block appended; testdummy is the BIP9 test deployment without rules (active on litecoin
 * regtest from height 432). 'signet' is deliberately absent: signet blocks need the network's signing key.
 */
export const SUPPORTED_RULES: ReadonlySet<string> = new Set(['csv', 'segwit', 'taproot', 'mweb', 'testdummy'])

export class UnsupportedRuleError extends Error {
  override readonly name = 'UnsupportedRuleError'
  constructor(readonly rules: string[]) {
    super(
      `the daemon's template needs rule(s) ${rules.join(', ')} that this relay does not support ` +
        `(supported: ${[...SUPPORTED_RULES].join(', ')}); upgrade Otedama or point it at a supported chain`
    )
  }
}

/** Rule name without the '!' must-understand marker. */
export function ruleName(rule: string): string {
  return rule.startsWith('!') ? rule.slice(1) : rule
}

export function unsupportedRules(rules: readonly string[]): string[] {
  return rules.filter((r) => !SUPPORTED_RULES.has(ruleName(r)))
}

export function hasRule(rules: readonly string[], name: string): boolean {
  return rules.some((r) => ruleName(r) === name)
}
