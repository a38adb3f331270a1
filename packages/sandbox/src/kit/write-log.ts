/**
 * Every field value a client wrote, in order. The fault suite checks against it
 * that no record ever received a value absent from a plan.
 */
export interface WriteEntry {
  /** Vendor object type: companies, Account, organizations, tickets… */
  object: string;
  id: string;
  field: string;
  value: unknown;
  at: number;
}

export class WriteLog {
  private entries: WriteEntry[] = [];

  record(object: string, id: string, field: string, value: unknown, at: number = Date.now()): void {
    this.entries.push({ object, id, field, value, at });
  }

  all(): readonly WriteEntry[] {
    return this.entries;
  }

  clear(): void {
    this.entries = [];
  }
}
