import { expect } from "vitest";

/**
 * A run's stored event numbers: 1, 2, … without a hole before its resume, then, after the resumed try
 * jumped 1,000 past the last stored number, 1, 2, … again from there. A hole elsewhere means an event
 * was lost (for example a node whose checkpoint was stored before its events).
 */
export function expectResumedNumbering(seqs: readonly number[], gap = 1_000): void {
  // The first try may have stored nothing: then every number is after the jump.
  const jump = seqs[0] !== undefined && seqs[0] > 1 ? 0 : seqs.findIndex((seq, index) => index > 0 && seq !== (seqs[index - 1] ?? 0) + 1);
  const before = jump < 0 ? [...seqs] : seqs.slice(0, jump);
  const after = jump < 0 ? [] : seqs.slice(jump);
  expect(before).toEqual(before.map((_seq, index) => index + 1));
  expect(after).toEqual(after.map((_seq, index) => before.length + gap + 1 + index));
}
