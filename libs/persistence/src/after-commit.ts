import type { EventSubscriber, TransactionEventArgs } from '@mikro-orm/core';
import type { Em } from './database.js';

type Ctx = object;

/** Callbacks waiting for their top-level transaction to commit. */
const waiting = new WeakMap<Ctx, Set<() => void>>();
/** A savepoint's enclosing transaction (or savepoint). */
const parentOf = new WeakMap<Ctx, Ctx>();
/** A nested transaction's fork, between asking for its savepoint and getting it: the enclosing context. */
const opening = new WeakMap<object, Ctx>();

/**
 * Runs `fn` once the transaction `tx` belongs to has committed — for waking a relay that publishes what
 * the transaction wrote to an outbox, so it finds the rows at once instead of on its next poll. Inside a
 * savepoint, it waits for the outermost transaction; outside any transaction, it runs on the next
 * microtask. A rollback drops it. Best effort by design: a relay still polls for what a missed wake leaves.
 */
export function afterCommit(tx: Em, fn: () => void): void {
  let ctx: Ctx | undefined = tx.getTransactionContext();
  if (!ctx) {
    queueMicrotask(fn);
    return;
  }
  for (let up = parentOf.get(ctx); up; up = parentOf.get(ctx)) ctx = up;
  let fns = waiting.get(ctx);
  if (!fns) waiting.set(ctx, (fns = new Set()));
  fns.add(fn);
}

const isSavepoint = (t: TransactionEventArgs['transaction']) => !!t && 'savepointName' in t;

/** Registered on every database: tracks savepoints to their transaction and runs `afterCommit` callbacks. */
export class AfterCommitSubscriber implements EventSubscriber {
  beforeTransactionStart(args: TransactionEventArgs): void {
    // A savepoint is asked for with its enclosing context; a top-level transaction without one.
    if (args.transaction) opening.set(args.em, args.transaction);
  }

  afterTransactionStart(args: TransactionEventArgs): void {
    const parent = opening.get(args.em);
    if (!parent || !args.transaction) return;
    opening.delete(args.em);
    if (isSavepoint(args.transaction)) parentOf.set(args.transaction, parent);
  }

  afterTransactionCommit(args: TransactionEventArgs): void {
    const ctx = args.transaction;
    if (!ctx || isSavepoint(ctx)) return;
    const fns = waiting.get(ctx);
    if (!fns) return;
    waiting.delete(ctx);
    for (const fn of fns) fn();
  }

  afterTransactionRollback(args: TransactionEventArgs): void {
    if (args.transaction && !isSavepoint(args.transaction)) waiting.delete(args.transaction);
  }
}
