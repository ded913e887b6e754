import { useState } from 'react';
import { PageHeading } from '../../components/PageHeading';
import { Tabs, type TabDefinition } from '../../components/Tabs';
import { navigate, useSearchParam } from '../../router/router';
import { KnownBrowsersSection } from '../browsers/KnownBrowsersSection';
import { SecuritySection } from '../security/SecuritySection';
import { SecurityKeysSection } from '../webauthn/SecurityKeysSection';
import { PasswordSection } from './PasswordSection';
import { ProfileSection } from './ProfileSection';
import { SessionsSection } from './SessionsSection';
import './settings.css';

type SettingsTab = 'profile' | 'password' | 'sessions' | 'security';

const tabs: ReadonlyArray<TabDefinition<SettingsTab>> = [
  { id: 'profile', label: 'Profile' },
  { id: 'password', label: 'Password' },
  { id: 'sessions', label: 'Sessions' },
  { id: 'security', label: 'Security' },
];

function isSettingsTab(value: string | null): value is SettingsTab {
  return tabs.some((tab) => tab.id === value);
}

/** Account settings; the open tab lives in `?tab=` so it survives reloads and can be linked to. */
export function SettingsPage() {
  const requested = useSearchParam('tab');
  const selected: SettingsTab = isSettingsTab(requested) ? requested : 'profile';

  return (
    <div className="page">
      <div className="page-header">
        <PageHeading title="Account settings">Account settings</PageHeading>
      </div>
      <Tabs
        label="Account settings"
        tabs={tabs}
        selected={selected}
        onSelect={(tab) => navigate(tab === 'profile' ? '/settings' : `/settings?tab=${tab}`, { replace: true })}
      >
        <SelectedSection tab={selected} />
      </Tabs>
    </div>
  );
}

function SelectedSection({ tab }: { tab: SettingsTab }) {
  switch (tab) {
    case 'profile':
      return <ProfileSection />;
    case 'password':
      return <PasswordSection />;
    case 'sessions':
      return <SessionsSection />;
    case 'security':
      return <SecuritySections />;
  }
}

/** The Security tab; a change of keys (W1) reloads the two-factor section's status. */
function SecuritySections() {
  const [keysVersion, setKeysVersion] = useState(0);
  return (
    <>
      <SecuritySection key={keysVersion} />
      <SecurityKeysSection onChanged={() => setKeysVersion((version) => version + 1)} />
      <KnownBrowsersSection />
    </>
  );
}
