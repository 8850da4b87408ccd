import { acceptInviteBody, inviteBody, limits, setupBody, signInBody } from '@twostep/shared';
import { and, asc, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { invites, members, sessions, signInFailures, teams } from '../db/schema.ts';
import type { AppEnv } from '../deps.ts';
import { newId, newToken, sha256 } from '../lib/crypto.ts';
import { ApiError, tooMany } from '../lib/errors.ts';
import { nameKey } from '../lib/name-key.ts';
import { hashThroughGate } from '../lib/password-gate.ts';
import { valid } from '../lib/validate.ts';
import { requireMember, requireRole } from '../middleware/auth.ts';
import { reservePasswordCheck } from '../middleware/password-check.ts';
import { auditContext, clientIp, eventInsert, eventInsertWhen } from '../services/audit.ts';
import { creatorMayGrant, inviteOpen } from '../services/invites.ts';
import { isUniqueViolation, nameTaken, nameTakenError, newSession, publicMember } from '../services/members.ts';
import { apiVersion } from '../version.ts';

const setUpDatabases = new WeakSet<object>();

const alreadySetUp = () => new ApiError('already_set_up', 'This Twostep server is already set up. Sign in instead.');

export const authRoutes = new Hono<AppEnv>()
  // `setUp` tells a first-run client whether to offer setting the team up (POST /v1/setup) or signing in.
  .get('/health', async (c) => {
    const { db } = c.var.deps;
    // A team, once set up, is never removed (no route deletes one): after the first yes, health asks no database.
    if (!setUpDatabases.has(db)) {
      const [team] = await db.select({ id: teams.id }).from(teams).limit(1);
      if (team) setUpDatabases.add(db);
    }
    return c.json({ ok: true as const, version: apiVersion, setUp: setUpDatabases.has(db) }, 200);
  })

  .post('/setup', valid('json', setupBody), async (c) => {
    const { db, clock } = c.var.deps;
    const body = c.req.valid('json');
    // Checked before the password is hashed, so a set-up server spends nothing on anyone calling setup.
    const [team] = await db.select({ id: teams.id }).from(teams).limit(1);
    if (team) throw alreadySetUp();
    const now = clock.now();
    const teamId = newId(now);
    const memberId = newId(now);
    const passwordHash = await hashThroughGate(c.var.deps.passwords, clientIp(c), body.password);
    const session = await newSession(c.var.deps, teamId, memberId);
    const audit = { teamId, actor: memberId, ip: clientIp(c) };
    try {
      await db.batch([
        db.insert(teams).values({ id: teamId, name: body.team, createdAt: now }),
        db.insert(members).values({
          id: memberId,
          teamId,
          name: body.name,
          email: body.email,
          role: 'owner',
          passwordHash,
          createdAt: now,
          nameKey: nameKey(body.name),
        }),
        session.insert,
        eventInsert(c.var.deps, audit, { action: 'member.created', target: memberId }),
        eventInsert(c.var.deps, audit, { action: 'session.created', target: memberId }),
      ]);
    } catch (error) {
      if (isUniqueViolation(error)) throw alreadySetUp();
      throw error;
    }
    const member = { id: memberId, name: body.name, email: body.email, role: 'owner' as const };
    return c.json({ token: session.token, member }, 201);
  })

  .post('/sessions', valid('json', signInBody), reservePasswordCheck, async (c) => {
    const { db, clock } = c.var.deps;
    const { email, password } = c.req.valid('json');
    const now = clock.now();
    const windowStart = now - limits.signInWindowMs;
    // Claim an attempt slot first, in one conditional statement, so parallel guesses cannot pass the limit.
    const attemptId = newId(now);
    const claimed = await db.run(sql`
      INSERT INTO sign_in_failures (id, email, at)
      SELECT ${attemptId}, ${email}, ${now}
      WHERE (SELECT count(*) FROM sign_in_failures WHERE email = ${email} AND at > ${windowStart}) < ${limits.signInFailuresPerEmail}`);
    if (claimed.rowsAffected === 0) {
      const [oldest] = await db
        .select({ at: signInFailures.at })
        .from(signInFailures)
        .where(and(eq(signInFailures.email, email), gt(signInFailures.at, windowStart)))
        .orderBy(asc(signInFailures.at))
        .limit(1);
      throw tooMany(
        'too_many_attempts',
        'Too many failed sign-ins for this email. Wait, then try again.',
        (oldest?.at ?? now) + limits.signInWindowMs - now,
      );
    }
    const [member] = await db
      .select()
      .from(members)
      .where(and(eq(members.email, email), isNull(members.removedAt)))
      .limit(1);
    // An unknown email is checked against the gate's decoy: one hash, so it answers as slowly as a wrong password.
    const passwordMatches = await c.var.passwordCheck.verify(password, member?.passwordHash);
    const ok = member !== undefined && passwordMatches;
    const audit = { teamId: member?.teamId ?? '', actor: member?.id ?? null, ip: clientIp(c) };
    if (!member || !ok) {
      if (member)
        await eventInsert(c.var.deps, audit, {
          action: 'session.failed',
          target: member.id,
          result: 'invalid_credentials',
        });
      throw new ApiError('invalid_credentials', 'That email and password do not match.');
    }
    const session = await newSession(c.var.deps, member.teamId, member.id);
    await db.batch([
      session.insert,
      db.delete(signInFailures).where(eq(signInFailures.id, attemptId)),
      // Failures older than the window count for nothing: forget them.
      db.delete(signInFailures).where(lt(signInFailures.at, windowStart)),
      eventInsert(c.var.deps, audit, { action: 'session.created', target: member.id }),
    ]);
    return c.json({ token: session.token, member: publicMember(member) }, 201);
  })

  .delete('/sessions/current', requireMember, async (c) => {
    const { db, clock } = c.var.deps;
    const me = c.var.member;
    await db.batch([
      db.update(sessions).set({ revokedAt: clock.now() }).where(eq(sessions.id, me.sessionId)),
      eventInsert(c.var.deps, auditContext(c), { action: 'session.ended', target: me.id }),
    ]);
    return c.body(null, 204);
  })

  .get('/me', requireMember, (c) => c.json({ member: publicMember(c.var.member) }, 200))

  .post('/invites', requireMember, requireRole('lead'), valid('json', inviteBody), async (c) => {
    const { db, clock } = c.var.deps;
    const me = c.var.member;
    const { email, role } = c.req.valid('json');
    const [existing] = await db
      .select({ id: members.id })
      .from(members)
      .where(and(eq(members.teamId, me.teamId), eq(members.email, email), isNull(members.removedAt)))
      .limit(1);
    if (existing)
      throw new ApiError('duplicate_member', 'Someone with this email is already on the team.', {
        memberId: existing.id,
      });
    const now = clock.now();
    const token = newToken();
    const invite = { id: newId(now), email, role, expiresAt: now + limits.inviteMs };
    await db.batch([
      db
        .insert(invites)
        .values({ ...invite, teamId: me.teamId, tokenHash: await sha256(token), createdBy: me.id, createdAt: now }),
      eventInsert(c.var.deps, auditContext(c), { action: 'invite.created', target: invite.id }),
    ]);
    return c.json({ invite: { ...invite, expiresAt: new Date(invite.expiresAt).toISOString() }, token }, 201);
  })

  .post('/invites/accept', valid('json', acceptInviteBody), async (c) => {
    const { db, clock } = c.var.deps;
    const body = c.req.valid('json');
    const now = clock.now();
    const tokenHash = await sha256(body.token);
    const [invite] = await db.select().from(invites).where(eq(invites.tokenHash, tokenHash)).limit(1);
    if (!invite || invite.acceptedAt !== null || invite.revokedAt !== null || invite.expiresAt <= now) {
      throw new ApiError(
        'invite_invalid',
        'This invite is unknown, already used, revoked or expired. Ask your lead for a new one.',
      );
    }
    // SMS texts name who asks ("Give it only to Anna"), so no two active members may read as the same name.
    const wanted = nameKey(body.name);
    if (await nameTaken(db, invite.teamId, wanted)) throw nameTakenError();
    const memberId = newId(now);
    const passwordHash = await hashThroughGate(c.var.deps.passwords, clientIp(c), body.password);
    const session = await newSession(c.var.deps, invite.teamId, memberId);
    const audit = { teamId: invite.teamId, actor: memberId, ip: clientIp(c) };
    // The claim is one conditional UPDATE; every later statement only acts if this request made the claim.
    const claimedByMe = sql`EXISTS (SELECT 1 FROM invites WHERE id = ${invite.id} AND member_id = ${memberId})`;
    try {
      await db.batch([
        // Open, and its creator still holds the role it grants: decided here, where the claim is made.
        db.run(sql`UPDATE invites SET accepted_at = ${now}, member_id = ${memberId}
          WHERE id = ${invite.id} AND ${inviteOpen(now)} AND ${creatorMayGrant}`),
        db.run(sql`
          INSERT INTO members (id, team_id, name, email, role, password_hash, created_at, name_key)
          SELECT ${memberId}, team_id, ${body.name}, email, role, ${passwordHash}, ${now}, ${wanted}
          FROM invites WHERE id = ${invite.id} AND member_id = ${memberId}`),
        db.run(sql`
          INSERT INTO sessions (id, team_id, member_id, token_hash, created_at, expires_at)
          SELECT ${session.id}, team_id, id, ${await sha256(session.token)}, ${now}, ${now + limits.sessionMs}
          FROM members WHERE id = ${memberId}`),
        eventInsertWhen(c.var.deps, audit, { action: 'member.created', target: memberId }, claimedByMe),
        eventInsertWhen(c.var.deps, audit, { action: 'session.created', target: memberId }, claimedByMe),
      ]);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // Another accept took the name or the email first (the indexes decided it): say which.
      if (await nameTaken(db, invite.teamId, wanted)) throw nameTakenError();
      throw new ApiError('duplicate_member', 'Someone with this email is already on the team.');
    }
    const [member] = await db.select().from(members).where(eq(members.id, memberId)).limit(1);
    if (!member) {
      throw new ApiError('invite_invalid', 'This invite was just used or revoked. Ask your lead for a new one.');
    }
    return c.json({ token: session.token, member: publicMember(member) }, 201);
  });
