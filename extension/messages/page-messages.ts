import { z } from 'zod/mini';

/**
 * The messages between the background and Twostep's content script in a platform's page, checked with zod on
 * both ends (zod/mini: the content script carries only what it uses). The background's pokes carry no secret; the content script claims the fill with the poke's nonce and
 * the background hands it over only to a sender the browser vouches for (page-listener.ts).
 */

const nonce = z.uuid();
const step = z.enum(['login', 'code', 'other']);
const fillKind = z.enum(['login', 'code', 'backup_code']);

/** Background → the tab's top frame (browser.tabs.sendMessage with frameId 0). */
export const pokeSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('twostep.fill'), nonce, kind: fillKind }),
  z.strictObject({ type: z.literal('twostep.probe'), nonce }),
]);
export type Poke = z.infer<typeof pokeSchema>;

/** Content script → background (browser.runtime.sendMessage). */
export const pageMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('page.claim'), nonce }),
  z.strictObject({ type: z.literal('page.seen'), nonce, step }),
]);
export type PageMessage = z.infer<typeof pageMessageSchema>;

const code = z.string().check(z.minLength(4), z.maxLength(32));
/** The fill itself, as the background hands it to a claim it accepted. */
export const pageFillSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('login'),
    loginName: z.nullable(z.string().check(z.maxLength(320))),
    password: z.string().check(z.maxLength(1024)),
  }),
  z.strictObject({ kind: z.enum(['code', 'backup_code']), code }),
]);

/** The background's answer to a claim: the fill, or why not. */
export const claimReplySchema = z.union([
  z.strictObject({ ok: z.literal(true), fill: pageFillSchema }),
  z.strictObject({ ok: z.literal(false) }),
]);
export type ClaimReply = z.infer<typeof claimReplySchema>;

/** The content script's answer to a fill poke, once it filled (or found nothing it may fill). */
export const fillReplySchema = z.union([
  z.strictObject({ filled: z.literal(true), submitted: z.boolean() }),
  z.strictObject({ filled: z.literal(false), reason: z.enum(['no_field', 'refused']) }),
]);
export type FillReply = z.infer<typeof fillReplySchema>;
