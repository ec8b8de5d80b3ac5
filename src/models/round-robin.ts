/**
 * Round-robin over consumer instances, skipping those with no free handler: how a queue pushes
 * work to competing consumers, and how a downstream picks a connection.
 */

export class RoundRobin<T extends { readonly free: number }> {
  readonly members: T[] = [];
  private cursor = 0;

  add(member: T): void {
    this.members.push(member);
  }

  /** The next member after the last one chosen that has a free handler, or null. */
  nextFree(): T | null {
    const n = this.members.length;
    for (let k = 0; k < n; k++) {
      const member = this.members[(this.cursor + k) % n];
      if (member.free > 0) {
        this.cursor = (this.cursor + k + 1) % n;
        return member;
      }
    }
    return null;
  }
}
