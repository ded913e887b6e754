interface SsoRoutedPanelProps {
  redirectUrl: string;
  onUsePassword: () => void;
}

/** E2: in place of the password, the way to the organization's identity provider (announced, focus stays put). */
export function SsoRoutedPanel({ redirectUrl, onUsePassword }: SsoRoutedPanelProps) {
  return (
    <div className="sso-routed">
      <p role="status">Your organization signs you in through its identity provider.</p>
      <div className="form-actions">
        <button type="button" className="button button-primary" onClick={() => window.location.assign(redirectUrl)}>
          Continue with single sign-on
        </button>
        <button type="button" className="button button-secondary" onClick={onUsePassword}>
          Use my password instead
        </button>
      </div>
      <p className="field-hint">Administrators keep their password for when the identity provider cannot be reached.</p>
    </div>
  );
}
