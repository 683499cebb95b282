// Gateway action → action.type (docs/gateways.md §7.6). Kaspersky writes `skipped, AntiSpam`: the caller splits
// off the module and passes the first part here.
import type { ActionType } from '../../document/enums.js';
import { normalizeToken, splitFirstComma, tokenTable } from './normalize-token.js';

const TABLE = tokenTable<ActionType>([
  ['deliver', ['deliver', 'clean', 'skipped', 'skip', 'no action', 'accept', 'accepted', 'delivered', 'Übersprungen', 'Ignorado', 'Пропущено']],
  ['tag', ['tag', 'tagged', 'add header', 'rewrite subject']],
  ['modify', [
    'modify', 'modified', 'attachment removed', 'attachments removed', 'AttachmentsDeleted', 'Disinfected',
    'cured', 'Anhang entfernt', 'Anexo removido', 'Вложение удалено',
  ]],
  ['quarantine', ['quarantine', 'quarantined', 'Quarantäne', 'Quarentena', 'Карантин']],
  ['reject', ['reject', 'rejected', 'Abgelehnt', 'Rejeitado', 'Отклонено']],
  ['drop', ['drop', 'dropped', 'deleted', 'delete', 'discard', 'discarded', 'Gelöscht', 'Excluído', 'Удалено']],
  ['defer', ['defer', 'deferred', 'greylist', 'soft reject', 'tempfail']],
]);

/** Maps an action token; `undefined` when not understood (caller sets `unknown`, keeps raw, warns). */
export function toActionType(raw: string): ActionType | undefined {
  const [head] = splitFirstComma(raw);
  return TABLE.get(normalizeToken(head));
}
