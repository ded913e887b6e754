import { formatDateTime } from '../../components/format';
import { describeBrowser, type KnownBrowser } from './known-browsers-api';
import '../settings/settings.css';

interface BrowserListProps {
  browsers: KnownBrowser[];
  /** Shown beside each browser but the current one; omitted: a read-only list. */
  onForget?: (browser: KnownBrowser) => void;
  forgettingId?: string | null;
}

/** G1, B2: known browsers with their address, first and last use, and "remembered until". */
export function BrowserList({ browsers, onForget, forgettingId }: BrowserListProps) {
  if (browsers.length === 0) return <p className="muted">No browsers yet.</p>;
  return (
    <ul className="session-list" aria-label="Browsers">
      {browsers.map((browser) => {
        const name = describeBrowser(browser);
        return (
          <li key={browser.id} className="session-item">
            <div className="session-summary">
              <p className="session-device">
                <span title={browser.userAgent ?? undefined}>{name}</span>
                {browser.current && <span className="badge badge-accent">This browser</span>}
                {browser.remembered && <span className="badge">Skips the second step</span>}
              </p>
              <dl className="session-facts">
                <div>
                  <dt>Address</dt>
                  <dd>{browser.ip ?? 'Unknown'}</dd>
                </div>
                <div>
                  <dt>First seen</dt>
                  <dd>{formatDateTime(browser.firstSeenAt)}</dd>
                </div>
                <div>
                  <dt>Last used</dt>
                  <dd>{formatDateTime(browser.lastUsedAt)}</dd>
                </div>
                {browser.remembered && (
                  <div>
                    <dt>Remembered on</dt>
                    <dd>{formatDateTime(browser.remembered.at)}</dd>
                  </div>
                )}
                {browser.remembered && (
                  <div>
                    <dt>Remembered until</dt>
                    <dd>{formatDateTime(browser.remembered.until)}</dd>
                  </div>
                )}
              </dl>
            </div>
            {onForget && (
              <button type="button" className="button button-secondary button-small" onClick={() => onForget(browser)} disabled={forgettingId === browser.id}>
                {forgettingId === browser.id ? 'Forgetting…' : 'Forget'}
                <span className="visually-hidden"> {name}, last used {formatDateTime(browser.lastUsedAt)}</span>
              </button>
            )}
          </li>
        );
      })}
    </ul>
  );
}
