// Operator fee (docs/design.md, Operator fee): a fraction of the work a relay's rigs do is done on jobs
// whose coinbase names the operator's payout script, so shares found there pay the operator.
//
// Selection is deterministic and fair by work, not by luck: per rig payout script we keep the work
// (sum of credited pseudo-share difficulty) done on its own jobs and on operator jobs, and each new
// job goes to the operator exactly when the operator's part is below `fee` of the total. Over time
// every rig pays `fee` of its work, within one job's worth, whatever its speed or job lengths; a
// reconnect does not reset the account (it is keyed by payout script, not connection).

import { BoundedMap } from '@otedama/shared/util'

/** Payout scripts whose accounts are remembered (least recently used forgotten first). */
export const MAX_FEE_ACCOUNTS = 65_536

interface FeeAccount {
  rigWork: number
  operatorWork: number
}

export class OperatorFee {
  private readonly accounts = new BoundedMap<string, FeeAccount>(MAX_FEE_ACCOUNTS)

  constructor(
    /** 0 <= fee < 1. */
    readonly fee: number,
    readonly operatorScript: Uint8Array | undefined
  ) {}

  get enabled(): boolean {
    return this.fee > 0 && this.operatorScript !== undefined
  }

  /** Should the next job of this rig name the operator's script? */
  chooseOperator(rigScriptHex: string): boolean {
    if (!this.enabled) return false
    const account = this.account(rigScriptHex)
    const total = account.rigWork + account.operatorWork
    return total > 0 && account.operatorWork < this.fee * total
  }

  /** Credits accepted pseudo-share work to the rig's account. */
  credit(rigScriptHex: string, difficulty: number, onOperatorJob: boolean): void {
    if (!this.enabled) return
    const account = this.account(rigScriptHex)
    if (onOperatorJob) account.operatorWork += difficulty
    else account.rigWork += difficulty
  }

  /** The fraction of this rig's work done for the operator so far (for tests and the rigs list). */
  paidFraction(rigScriptHex: string): number {
    const a = this.accounts.get(rigScriptHex)
    if (a === undefined) return 0
    const total = a.rigWork + a.operatorWork
    return total === 0 ? 0 : a.operatorWork / total
  }

  private account(key: string): FeeAccount {
    let a = this.accounts.get(key)
    if (a !== undefined) {
      this.accounts.delete(key) // re-insert to mark as recently used
    } else {
      a = { rigWork: 0, operatorWork: 0 }
    }
    this.accounts.set(key, a)
    return a
  }
}

/** The client.show_message text announcing the fee. */
export function feeMessage(poolName: string, fee: number, operatorAddress: string): string {
  const percent = Number((fee * 100).toPrecision(3))
  return `${poolName}: operator fee ${percent}% - about ${percent}% of your work is done on jobs whose shares pay the operator (${operatorAddress}); all other shares pay you.`
}
