// The configured action on messages after their UIDs are committed (indexed): mark seen, move, or
// delete. Nothing by default (docs/principles.md 3). Only ever UIDs in (already applied, committed], and
// never below the start-date floor (messages skipped by startDate were not indexed).
import type { ImapFlow } from 'imapflow';
import type { AfterCommitAction } from './account-settings.js';
import type { Watermark } from '../mailbox-state/watermark.js';

export interface PostCommitSettings {
  action: AfterCommitAction;
  moveTo?: string | undefined;
}

/** Returns how many UIDs of the committed range it acted on (0 when there was nothing to do). */
export async function applyPostCommit(
  client: ImapFlow,
  watermark: Watermark,
  uidvalidity: number,
  settings: PostCommitSettings,
  floorUid = 0,
): Promise<{ from: number; to: number } | undefined> {
  if (settings.action === 'none') return undefined;
  const state = await watermark.read();
  if (state === undefined || state.uidvalidity !== uidvalidity) return undefined;
  const from = Math.max(state.postCommitted, floorUid) + 1;
  const to = state.committed;
  if (to < from) {
    if (state.postCommitted < to) await watermark.setPostCommitted(uidvalidity, to);
    return undefined;
  }
  const range = `${from}:${to}`;
  switch (settings.action) {
    case 'seen':
      await client.messageFlagsAdd(range, ['\\Seen'], { uid: true });
      break;
    case 'move':
      if (settings.moveTo === undefined || settings.moveTo === '') throw new Error('afterCommit move needs moveTo');
      await client.messageMove(range, settings.moveTo, { uid: true });
      break;
    case 'delete':
      await client.messageDelete(range, { uid: true });
      break;
  }
  await watermark.setPostCommitted(uidvalidity, to);
  return { from, to };
}
