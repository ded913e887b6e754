import { useResource } from '../../components/use-resource';
import { getSsoConnection } from './sso-api';

/** P2/E3: in the confirmation of turning the requirement on, what happens to single sign-on. */
export function SsoRequirementNotice() {
  const { resource } = useResource(getSsoConnection);
  if (resource.status !== 'ready' || resource.data === null || !resource.data.enabled) return null;
  if (resource.data.mfa !== 'disable_with_requirement') {
    return <p>Single sign-on stays on: its rule already satisfies the requirement.</p>;
  }
  return (
    <p className="alert alert-info">
      Single sign-on will be turned off, and administrators are e-mailed: members then sign in with their Tessera password and second
      factor. To keep it, change its rule in Single sign-on first.
    </p>
  );
}
