// Administration of one organization: settings, members and invitations, audit log.
// Every route here is `access: 'admin'` and reads only the caller's own organization; every
// mutation is `sensitive` (P5: refused while the administrator must still set up a second factor).
import type { FastifyInstance } from 'fastify';
import { encodeCountryList, maxAllowedCountries, normaliseCountryList } from '../../core/phone-number.js';
import type { Role } from '../../core/roles.js';
import { decodeDirectoryCursor, defaultDirection, directorySortKeys, type DirectorySortKey, type SortDirection } from '../../core/user-directory.js';
import type { AppContext } from '../../services/context.js';
import { webAuthnPolicyChanges, type AllowedAuthenticatorInput } from '../../services/webauthn-policy.js';
import { maxAllowedAuthenticatorModels, maxRootCertificateLength, maxRootCertificatesPerModel } from '../../core/attestation-chain.js';
import { listAttestationRoots } from '../../store/webauthn-attestation-roots.js';
import type { FactorMethod } from '../../core/webauthn.js';
import { inviteMember, listInvitations, revokeInvitation } from '../../services/invitations.js';
import { listMembers, listMembersNotSetUp, updateOrganizationSettings, type OrganizationChanges, type RequirementChange } from '../../services/organization.js';
import type { RecoveryCodePolicy, TwoFactorRequirement } from '../../store/schema.js';
import { validateEmail } from '../../services/validation.js';
import { sendProblem } from '../problem.js';
import { originOf } from '../request-origin.js';
import { requireAuth } from '../route-config.js';
import { emailField, idField, nameField, noContent, objectSchema, problemResponses, roleField, textField } from '../schemas.js';
import { authenticatorModelsView, invitationSchema, invitationView, memberRowSchema, memberRowView, organizationSchema, organizationView, pendingMemberSchema } from '../views.js';

const pageSize = 50;
const aaguidPattern = '^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$';
/** P1: the confirmation lists this many members not set up yet, and counts the rest. */
const pendingListLimit = 100;

interface DirectoryParams {
  twoFactor?: 'on' | 'off';
  required?: 'true' | 'false';
  role?: Role;
  method?: 'totp' | 'sms' | 'webauthn';
  q?: string;
  sort?: DirectorySortKey;
  order?: SortDirection;
  cursor?: string;
}

export function registerOrganizationRoutes(app: FastifyInstance, context: AppContext): void {
  app.get(
    '/api/v1/organization',
    // Open during setup (P5): it shows nothing that GET /api/v1/session does not already show.
    { config: { access: 'member', completes: ['two_factor_setup_required'], grant: 'organization:read' }, schema: { tags: ['organization'], summary: 'The member’s organization.', response: { 200: organizationSchema, ...problemResponses(401) } } },
    async (request) => {
      const organization = requireAuth(request.auth).organization;
      return organizationView(organization, authenticatorModelsView(organization, await listAttestationRoots(context.db, organization.id)));
    },
  );

  app.patch<{ Body: { name?: string; brandName?: string | null; twoFactor?: { recoveryCodePolicy?: RecoveryCodePolicy; requirement?: TwoFactorRequirement; requiredFrom?: string | null; smsAllowed?: boolean; smsCodeLength?: 6 | 7; smsAllowedCountries?: string[] | null; rememberBrowserDays?: number; allowedMethods?: FactorMethod[]; requirePhishingResistant?: boolean; allowedAuthenticators?: AllowedAuthenticatorInput[] | null }; passkeySignIn?: boolean } }>(
    '/api/v1/organization',
    {
      config: { access: 'admin', sensitive: true, recentPassword: true },
      schema: {
        tags: ['organization'],
        summary: 'Change the organization’s name, brand (the issuer shown in authenticator apps) or two-factor policy (P1, P3, P6, R6).',
        body: objectSchema({
          name: textField(100),
          brandName: { anyOf: [textField(100), { type: 'null' }] },
          twoFactor: objectSchema({
            recoveryCodePolicy: { type: 'string', enum: ['deplete', 'replace'], description: 'R6' },
            requirement: { type: 'string', enum: ['optional', 'required'], description: 'P1: turning it on e-mails every member not set up yet; turning it off changes nobody’s own settings (P3).' },
            requiredFrom: {
              anyOf: [{ type: 'string', format: 'date-time', maxLength: 64 }, { type: 'null' }],
              description: 'P6: the end of the grace period, in the future; only with requirement "required". Null: at once.',
            },
            smsAllowed: { type: 'boolean', description: 'S4: false stops offering text messages as a factor; numbers already added are kept but not used.' },
            smsCodeLength: { type: 'integer', enum: [6, 7], description: 'S2: digits in a texted code.' },
            smsAllowedCountries: {
              anyOf: [{ type: 'array', items: { type: 'string', pattern: '^[A-Za-z]{2}$' }, minItems: 1, maxItems: maxAllowedCountries }, { type: 'null' }],
              description: 'Countries (ISO 3166-1 alpha-2) whose mobile numbers may be added for text messages; null: every country. Numbers already added keep working.',
            },
            rememberBrowserDays: { type: 'integer', minimum: 0, maximum: 30, description: 'B2: days a browser may skip the second step once its member asks; 0 turns it off. Lowering it forgets every remembered browser.' },
            allowedMethods: { type: 'array', minItems: 1, maxItems: 3, uniqueItems: true, items: { type: 'string', enum: ['totp', 'sms', 'webauthn'] }, description: 'W5: the second factors that count.' },
            requirePhishingResistant: { type: 'boolean', description: 'W5: only security keys and passkeys satisfy the requirement; members with only other factors must set one up (P5).' },
            allowedAuthenticators: {
              anyOf: [
                {
                  type: 'array',
                  maxItems: maxAllowedAuthenticatorModels,
                  items: {
                    anyOf: [
                      { type: 'string', pattern: aaguidPattern },
                      objectSchema(
                        {
                          aaguid: { type: 'string', pattern: aaguidPattern },
                          rootCertificates: { type: 'array', minItems: 1, maxItems: maxRootCertificatesPerModel, items: { type: 'string', minLength: 1, maxLength: maxRootCertificateLength } },
                        },
                        ['aaguid', 'rootCertificates'],
                      ),
                    ],
                  },
                },
                { type: 'null' },
              ],
              description:
                'W5: allowed authenticator models, checked at registration against the attestation statement, whose certificate chain must lead to one of the model’s root certificates (PEM, or base64 DER as in a FIDO metadata statement’s attestationRootCertificates). An entry is `{aaguid, rootCertificates}`, or an AAGUID alone to keep the roots already stored for it; null: any model.',
            },
          }),
          passkeySignIn: { type: 'boolean', description: 'W3: members may sign in with a passkey alone.' },
        }),
        response: { 200: organizationSchema, ...problemResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const changes: OrganizationChanges = {};
      const twoFactor = request.body.twoFactor;
      if (request.body.name !== undefined) changes.name = request.body.name.trim();
      if (request.body.brandName !== undefined) changes.brandName = request.body.brandName?.trim() || null;
      if (twoFactor?.recoveryCodePolicy !== undefined) changes.recoveryCodePolicy = twoFactor.recoveryCodePolicy;
      if (twoFactor?.smsAllowed !== undefined) changes.smsAllowed = twoFactor.smsAllowed ? 1 : 0;
      if (twoFactor?.smsCodeLength !== undefined) changes.smsCodeLength = twoFactor.smsCodeLength;
      if (twoFactor?.smsAllowedCountries === null) changes.smsAllowedCountries = null;
      else if (twoFactor?.smsAllowedCountries !== undefined) {
        const countries = normaliseCountryList(twoFactor.smsAllowedCountries);
        if (!countries.ok) {
          const message = countries.reason === 'empty' ? 'Choose at least one country, or allow every country.' : `${countries.country} is not a country with phone numbers.`;
          return sendProblem(reply, { code: 'validation_failed', fieldErrors: [{ field: 'twoFactor.smsAllowedCountries', message }] });
        }
        changes.smsAllowedCountries = encodeCountryList(countries.countries);
      }
      if (twoFactor?.rememberBrowserDays !== undefined) changes.rememberBrowserDays = twoFactor.rememberBrowserDays;
      if (request.body.passkeySignIn !== undefined) changes.passkeySignIn = request.body.passkeySignIn ? 1 : 0;
      const organizationId = requireAuth(request.auth).organization.id;
      const storedRoots = Array.isArray(twoFactor?.allowedAuthenticators) ? await listAttestationRoots(context.db, organizationId) : undefined;
      const policy = webAuthnPolicyChanges(request.body, requireAuth(request.auth).organization, changes, storedRoots);
      if (!policy.ok) return sendProblem(reply, policy);
      if (changes.name === '') return sendProblem(reply, { code: 'validation_failed', fieldErrors: [{ field: 'name', message: 'Enter a name.' }] });
      const requirementChange: RequirementChange = {};
      if (twoFactor?.requirement !== undefined) requirementChange.requirement = twoFactor.requirement;
      if (twoFactor?.requiredFrom !== undefined) {
        const requiredFrom = twoFactor.requiredFrom === null ? null : Date.parse(twoFactor.requiredFrom);
        if (requiredFrom !== null && !Number.isFinite(requiredFrom)) return sendProblem(reply, { code: 'validation_failed', fieldErrors: [{ field: 'twoFactor.requiredFrom', message: 'Enter a date and time.' }] });
        requirementChange.requiredFrom = requiredFrom;
      }
      const result = await updateOrganizationSettings(context, requireAuth(request.auth), changes, originOf(request), requirementChange, policy.roots);
      if (!result.ok) return sendProblem(reply, result);
      return organizationView(result.organization, authenticatorModelsView(result.organization, await listAttestationRoots(context.db, organizationId)));
    },
  );

  app.get(
    '/api/v1/organization/two-factor/pending',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['organization'],
        summary: 'Members (administrators included) who have not set up two-factor authentication yet: the first 100 by name, and how many in all (P1).',
        response: { 200: objectSchema({ users: { type: 'array', items: pendingMemberSchema }, total: { type: 'integer' } }, ['users', 'total']), ...problemResponses(401, 403) },
      },
    },
    async (request) => listMembersNotSetUp(context, requireAuth(request.auth), pendingListLimit),
  );

  app.get<{ Querystring: DirectoryParams }>(
    '/api/v1/organization/users',
    {
      config: { access: 'admin', grant: 'users:read' },
      schema: {
        tags: ['organization'],
        summary: 'The users grid (M1): members with their two-factor status and last sign-in; filters, search, sorting, cursor paging.',
        querystring: {
          type: 'object',
          properties: {
            twoFactor: { type: 'string', enum: ['on', 'off'], description: 'Only members with (on) or without (off) two-factor authentication.' },
            required: { type: 'string', enum: ['true', 'false'], description: 'The effective requirement: the organization’s or the member’s own.' },
            role: roleField,
            method: { type: 'string', enum: ['totp', 'sms', 'webauthn'], description: 'W6: only members with this second factor.' },
            q: { type: 'string', maxLength: 200, pattern: '^[^\\u0000-\\u001F\\u007F\\uD800-\\uDFFF]*$', description: 'Part of a name or e-mail address.' },
            sort: { type: 'string', enum: [...directorySortKeys], default: 'created' },
            order: { type: 'string', enum: ['asc', 'desc'], description: 'Defaults to newest first for lastLogin, otherwise ascending.' },
            cursor: { type: 'string', maxLength: 400, pattern: '^[A-Za-z0-9_-]*$', description: 'nextCursor of the previous page, with the same filters and sort.' },
          },
        },
        response: { 200: objectSchema({ users: { type: 'array', items: memberRowSchema }, nextCursor: { type: ['string', 'null'] } }, ['users', 'nextCursor']), ...problemResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request.auth);
      const params = request.query;
      const sort = params.sort ?? 'created';
      const after = params.cursor ? decodeDirectoryCursor(params.cursor, sort) : undefined;
      if (params.cursor && !after) return sendProblem(reply, { code: 'validation_failed', fieldErrors: [{ field: 'cursor', message: 'This cursor does not belong to this list; start from the first page.' }] });
      const page = await listMembers(context, auth, {
        twoFactor: params.twoFactor,
        required: params.required === undefined ? undefined : params.required === 'true',
        role: params.role,
        method: params.method,
        search: params.q?.trim() || undefined,
        sort,
        direction: params.order ?? defaultDirection(sort),
        after,
        limit: pageSize,
      });
      return { users: page.items.map((u) => memberRowView(u, auth.organization)), nextCursor: page.nextCursor };
    },
  );

  app.post<{ Body: { email: string; name: string; role: Role; twoFactorRequired?: boolean } }>(
    '/api/v1/organization/users',
    {
      config: { access: 'admin', sensitive: true, recentPassword: true, grant: 'users:write' },
      schema: {
        tags: ['organization'],
        summary:
          'Invite a teammate by e-mail with a role (A6). 409 email_taken only for an address already in this organization; an address with an account elsewhere is answered alike and its owner told by e-mail (no link). 429 rate_limited: 3 a day per address, 50 an hour per administrator, 200 a day per organization.',
        body: objectSchema({ email: emailField, name: nameField, role: roleField, twoFactorRequired: { type: 'boolean', default: false } }, ['email', 'name', 'role']),
        response: { 201: objectSchema({ invitation: invitationSchema }, ['invitation']), ...problemResponses(400, 401, 403, 409, 429) },
      },
    },
    async (request, reply) => {
      const invalid = validateEmail(request.body.email);
      if (invalid) return sendProblem(reply, invalid);
      const name = request.body.name.trim();
      if (name === '') return sendProblem(reply, { code: 'validation_failed', fieldErrors: [{ field: 'name', message: 'Enter a name.' }] });
      const result = await inviteMember(context, requireAuth(request.auth), { ...request.body, name, twoFactorRequired: request.body.twoFactorRequired ?? false }, originOf(request));
      if (!result.ok) return sendProblem(reply, result);
      return reply.code(201).send({ invitation: invitationView(result.invitation) });
    },
  );

  app.get(
    '/api/v1/organization/invitations',
    {
      config: { access: 'admin' },
      schema: { tags: ['organization'], summary: 'Invitations not yet accepted.', response: { 200: objectSchema({ invitations: { type: 'array', items: invitationSchema } }, ['invitations']), ...problemResponses(401, 403) } },
    },
    async (request) => ({ invitations: (await listInvitations(context, requireAuth(request.auth))).map(invitationView) }),
  );

  app.delete<{ Params: { id: string } }>(
    '/api/v1/organization/invitations/:id',
    {
      config: { access: 'admin', sensitive: true, recentPassword: true },
      schema: { tags: ['organization'], summary: 'Revoke an invitation; its link stops working.', params: objectSchema({ id: idField }, ['id']), response: { 204: noContent, ...problemResponses(400, 401, 403, 404) } },
    },
    async (request, reply) => {
      const result = await revokeInvitation(context, requireAuth(request.auth), request.params.id, originOf(request));
      if (!result.ok) return sendProblem(reply, result);
      return reply.code(204).send();
    },
  );
}
