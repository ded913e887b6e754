import { useEffect, useState } from 'react';
import { describeProblem, isApiError, toProblem } from '../../api/client';
import { signOut } from '../../api/session';
import { FormAlert } from '../../components/FormAlert';
import { SubmitButton } from '../../components/SubmitButton';
import { NewPasswordField } from '../../components/NewPasswordField';
import { TextField } from '../../components/TextField';
import { useForm } from '../../components/use-form';
import { checkPassword, requireValue } from '../../components/validation';
import { Link, navigate, useSearchParam } from '../../router/router';
import { useSessionState } from '../../session/session-context';
import { acceptInvitation, previewInvitation, type InvitationPreview } from './auth-api';
import { AuthLayout } from './AuthLayout';

type PreviewState =
  | { kind: 'loading' }
  | { kind: 'ready'; preview: InvitationPreview }
  | { kind: 'invalid' }
  | { kind: 'failed'; message: string };

const roleLabels = { admin: 'an administrator', member: 'a member' } as const;

/** A6: the invitee confirms their name and chooses a password, and is signed in. */
export function AcceptInvitationPage() {
  const token = useSearchParam('token');
  const [previewState, setPreviewState] = useState<PreviewState>(token ? { kind: 'loading' } : { kind: 'invalid' });

  useEffect(() => {
    if (!token) return;
    let isCurrent = true;
    previewInvitation(token)
      .then((preview) => isCurrent && setPreviewState({ kind: 'ready', preview }))
      .catch((error: unknown) => {
        if (!isCurrent) return;
        if (isApiError(error, 'invalid_token') || isApiError(error, 'not_found')) setPreviewState({ kind: 'invalid' });
        else setPreviewState({ kind: 'failed', message: describeProblem(toProblem(error)) });
      });
    return () => {
      isCurrent = false;
    };
  }, [token]);

  switch (previewState.kind) {
    case 'loading':
      return (
        <AuthLayout title="Your invitation">
          <p role="status">Loading your invitation…</p>
        </AuthLayout>
      );
    case 'invalid':
      return (
        <AuthLayout title="This invitation is invalid or expired">
          <div className="alert alert-error" role="alert">
            <p>This invitation link is invalid or expired. Ask an administrator of your organization to invite you again.</p>
          </div>
          <p>
            <Link to="/login">Sign in</Link>
          </p>
        </AuthLayout>
      );
    case 'failed':
      return (
        <AuthLayout title="Your invitation">
          <div className="alert alert-error" role="alert">
            <p>{previewState.message}</p>
          </div>
        </AuthLayout>
      );
    case 'ready':
      return <AcceptForm token={token ?? ''} preview={previewState.preview} />;
  }
}

function AcceptForm({ token, preview }: { token: string; preview: InvitationPreview }) {
  const { state, refresh } = useSessionState();
  const [isSigningOut, setSigningOut] = useState(false);
  const [name, setName] = useState(preview.name);
  const [password, setPassword] = useState('');
  const form = useForm();

  const submit = form.handleSubmit(
    async () => {
      await acceptInvitation(token, name.trim(), password);
      await refresh();
      navigate('/settings');
    },
    () => ({ name: requireValue(name, 'Enter your name.'), password: checkPassword(password) }),
  );

  return (
    <AuthLayout
      title={`Join ${preview.organization.name}`}
      intro={
        <p>
          You have been invited to join {preview.organization.name} on Tessera as {roleLabels[preview.role]}. Choose a password to
          finish.
        </p>
      }
    >
      {state.status === 'signed_in' && (
        // Issue 17 item 8: the link was opened in a browser signed in as someone else.
        <div className="alert alert-info" role="status">
          <p>
            You are signed in as <strong>{state.session.user.name}</strong> ({state.session.user.email}). This invitation is for{' '}
            <strong>{preview.email}</strong>. Sign out first to accept it as {preview.email}.
          </p>
          <p>
            <button
              type="button"
              className="button button-secondary button-small"
              disabled={isSigningOut}
              onClick={() => {
                setSigningOut(true);
                void signOut()
                  .catch(() => undefined)
                  .then(() => refresh())
                  .finally(() => setSigningOut(false));
              }}
            >
              {isSigningOut ? 'Signing out…' : `Sign out ${state.session.user.name}`}
            </button>
          </p>
        </div>
      )}
      <form ref={form.formRef} onSubmit={submit} noValidate>
        <FormAlert problem={form.problem} fields={['name', 'password']} />
        <TextField label="E-mail" name="email" type="email" autoComplete="username" value={preview.email} onValueChange={() => {}} readOnly />
        <TextField label="Your name" name="name" autoComplete="name" value={name} onValueChange={setName} error={form.fieldErrors.name} />
        <NewPasswordField label="Password" name="password" value={password} onValueChange={setPassword} error={form.fieldErrors.password} />
        <div className="form-actions">
          <SubmitButton isSubmitting={form.isSubmitting} busyLabel="Joining…">
            Accept invitation
          </SubmitButton>
        </div>
      </form>
    </AuthLayout>
  );
}
