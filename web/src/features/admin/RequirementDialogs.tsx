import { useState } from 'react';
import { CheckboxField } from '../../components/CheckboxField';
import { FormAlert } from '../../components/FormAlert';
import { formatDateTime } from '../../components/format';
import { Modal } from '../../components/Modal';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useReauthentication } from '../../components/reauthentication';
import { SubmitButton } from '../../components/SubmitButton';
import { TextField } from '../../components/TextField';
import { useForm } from '../../components/use-form';
import { useResource, type Resource } from '../../components/use-resource';
import { useSession, useSessionState } from '../../session/session-context';
import { SsoRequirementNotice } from '../sso/SsoRequirementNotice';
import { listPendingMembers, updateOrganization, type PendingMembers } from './admin-api';

const dayInMilliseconds = 24 * 60 * 60 * 1000;
const maximumGraceInDays = 365;
const defaultGraceInDays = '14';

/** P6: "start in N days" as a moment, or a message for the field. */
function parseGraceDays(value: string): { days: number } | { error: string } {
  const days = Number(value.trim());
  if (value.trim() === '' || !Number.isInteger(days)) return { error: 'Enter a whole number of days.' };
  if (days < 1 || days > maximumGraceInDays) return { error: `Enter a number from 1 to ${maximumGraceInDays}.` };
  return { days };
}

interface RequireTwoFactorDialogProps {
  /** Called with the deadline when a grace period was given, null when it applies at once. */
  onDone: (deadline: string | null) => void;
  onClose: () => void;
}

/** P1, P5, P6: turning the requirement on, after saying what happens and who is not set up yet. */
export function RequireTwoFactorDialog({ onDone, onClose }: RequireTwoFactorDialogProps) {
  const { organization } = useSession();
  const { refresh } = useSessionState();
  const { withReauthentication } = useReauthentication();
  const pending = useResource(listPendingMembers);
  const [hasGracePeriod, setGracePeriod] = useState(false);
  const [days, setDays] = useState(defaultGraceInDays);
  const form = useForm();
  const grace = parseGraceDays(days);
  const previewDeadline = hasGracePeriod && 'days' in grace ? new Date(Date.now() + grace.days * dayInMilliseconds).toISOString() : null;

  const submit = form.handleSubmit(
    async () => {
      const requiredFrom = hasGracePeriod && 'days' in grace ? new Date(Date.now() + grace.days * dayInMilliseconds).toISOString() : null;
      await withReauthentication(() => updateOrganization({ twoFactor: { requirement: 'required', requiredFrom } }));
      await refresh();
      onDone(requiredFrom);
    },
    () => ({ days: hasGracePeriod && 'error' in grace ? grace.error : undefined }),
  );

  const dayError = form.fieldErrors.days ?? form.fieldErrors.requiredFrom ?? form.fieldErrors['twoFactor.requiredFrom'];

  return (
    <Modal title="Require two-factor authentication?" onClose={onClose}>
      <form ref={form.formRef} onSubmit={submit} noValidate>
        <div className="modal-description">
          <p>
            Everyone in {organization.name}, administrators included, will have to use two-factor authentication. Members who have
            not set it up yet are e-mailed now.
          </p>
          <p>
            {previewDeadline ? `From ${formatDateTime(previewDeadline)}, ` : 'From now on, '}
            those who have not set it up go straight into the setup at their next sign-in. While signed in, they see a notice on
            every page and cannot change users, organization settings, their profile or their password until they set it up.
          </p>
          {previewDeadline && <p>Until then they can work as usual, with a reminder on every page and by e-mail 7 days and 1 day before.</p>}
          <SsoRequirementNotice />
        </div>
        <FormAlert problem={form.problem} fields={hasGracePeriod ? ['days', 'requiredFrom', 'twoFactor.requiredFrom'] : []} />
        <PendingList resource={pending.resource} />
        <CheckboxField
          label="Give members time to set it up"
          name="hasGracePeriod"
          checked={hasGracePeriod}
          onCheckedChange={setGracePeriod}
          hint="The requirement starts later; until then nobody is held up."
        />
        {hasGracePeriod && (
          <TextField
            label="Start in (days)"
            name="days"
            inputMode="numeric"
            autoComplete="off"
            value={days}
            onValueChange={setDays}
            error={dayError}
            hint={previewDeadline ? `Starts ${formatDateTime(previewDeadline)}.` : undefined}
          />
        )}
        <div className="modal-actions">
          <button type="button" className="button button-secondary" onClick={onClose}>
            Cancel
          </button>
          <SubmitButton isSubmitting={form.isSubmitting} busyLabel="Saving…">
            Require two-factor authentication
          </SubmitButton>
        </div>
      </form>
    </Modal>
  );
}

const shownPendingCount = 100;

function PendingList({ resource }: { resource: Resource<PendingMembers> }) {
  const { user: me } = useSession();
  if (resource.status === 'loading') return <p role="status">Finding who has not set it up yet…</p>;
  if (resource.status === 'failed') return <ProblemAlert problem={resource.problem} />;
  const { users, total } = resource.data;
  if (total === 0) return <p className="pending-summary">Everyone has set up two-factor authentication already.</p>;
  return (
    <div className="pending-members">
      <p className="pending-summary" id="pending-members-heading">
        Not set up yet: {total} {total === 1 ? 'member' : 'members'}
      </p>
      <ul aria-labelledby="pending-members-heading">
        {users.slice(0, shownPendingCount).map((user) => (
          <li key={user.id}>
            {user.name}
            {user.id === me.id ? ' (you)' : ''} <span className="muted">{user.email}</span>
          </li>
        ))}
      </ul>
      {total > users.length && <p className="muted">and {total - users.length} more.</p>}
    </div>
  );
}

/** P3: turning the requirement off changes nobody's own settings, and says so. */
export function MakeOptionalDialog({ onDone, onClose }: { onDone: () => void; onClose: () => void }) {
  const { refresh } = useSessionState();
  const { withReauthentication } = useReauthentication();
  const form = useForm();

  const submit = form.handleSubmit(async () => {
    await withReauthentication(() => updateOrganization({ twoFactor: { requirement: 'optional' } }));
    await refresh();
    onDone();
  });

  return (
    <Modal
      title="Make two-factor authentication optional?"
      onClose={onClose}
      description={
        <>
          <p>The organization will no longer require two-factor authentication of everyone.</p>
          <p>
            Nobody’s own settings change: members who turned it on keep it on, and members whom an administrator requires it of
            individually stay required.
          </p>
        </>
      }
    >
      <form ref={form.formRef} onSubmit={submit} noValidate>
        <FormAlert problem={form.problem} />
        <div className="modal-actions">
          <button type="button" className="button button-secondary" onClick={onClose} data-autofocus>
            Cancel
          </button>
          <SubmitButton isSubmitting={form.isSubmitting} busyLabel="Saving…">
            Make it optional
          </SubmitButton>
        </div>
      </form>
    </Modal>
  );
}
