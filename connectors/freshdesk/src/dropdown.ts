import type { OwnerValue, PersonRecord } from '@spoc/core/connector';

/**
 * How a dropdown's choices name agents (`value: agent_dropdown`). Freshdesk dropdown
 * choices are plain strings, so a choice names an agent by their email, or by their full
 * name when no choice spells the email:
 *
 * - read: a choice equal to an agent's email (any case) is that agent; else the one agent
 *   whose name it is (any case, spaces trimmed). A name several agents share, or nobody's,
 *   is reported as held (an unknown person), never guessed.
 * - write: the choice spelling the target's email, else the one spelling their name
 *   (if no other agent has it). No such choice: the record fails with that reason and
 *   nothing is written (Freshdesk would refuse a value outside the choices anyway).
 */
export class AgentChoices {
  private readonly byEmail = new Map<string, PersonRecord>();
  private readonly byName = new Map<string, PersonRecord[]>();
  private readonly byId = new Map<string, PersonRecord>();

  constructor(agents: PersonRecord[]) {
    for (const a of agents) {
      this.byId.set(a.id, a);
      if (a.email) this.byEmail.set(key(a.email), a);
      if (a.name) this.byName.set(key(a.name), [...(this.byName.get(key(a.name)) ?? []), a]);
    }
  }

  /** The agent a choice names, as the id core resolves, or the choice itself as an unknown value. */
  read(choice: string): OwnerValue {
    const agent = this.byEmail.get(key(choice)) ?? this.onlyNamed(choice);
    return agent ? { id: agent.id } : { email: choice };
  }

  /** The choice that names the target agent, or why none can. */
  choiceFor(choices: readonly string[], to: { id: string; email: string }): { choice: string } | { problem: string } {
    const byEmail = choices.find((c) => key(c) === key(to.email));
    if (byEmail !== undefined) return { choice: byEmail };
    const name = this.byId.get(to.id)?.name;
    if (name) {
      const byName = choices.find((c) => key(c) === key(name));
      if (byName !== undefined) {
        if (!this.onlyNamed(byName))
          return { problem: `several agents are named "${name}": the dropdown choice cannot tell them apart` };
        return { choice: byName };
      }
    }
    return {
      problem: `the dropdown offers no choice for ${to.email}${name ? ` or "${name}"` : ''} (choices name agents by email or full name)`,
    };
  }

  private onlyNamed(choice: string): PersonRecord | undefined {
    const named = this.byName.get(key(choice)) ?? [];
    return named.length === 1 ? named[0] : undefined;
  }
}

function key(s: string): string {
  return s.trim().toLowerCase();
}
