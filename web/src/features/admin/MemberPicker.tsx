import { useEffect, useId, useState } from 'react';
import { emptyDirectoryQuery } from './directory-query';
import { listUsers, type OrganizationUser } from './admin-api';
import { rememberMemberName, useMemberNames } from './use-member-names';

const searchDelayInMilliseconds = 300;
const suggestionCount = 6;

interface MemberPickerProps {
  label: string;
  userId: string;
  onChange: (userId: string) => void;
}

/**
 * Chooses one member by typing part of their name or e-mail (the organization may have 100,000):
 * matches appear as buttons below the field; the chosen member shows with a way to clear it.
 */
export function MemberPicker({ label, userId, onChange }: MemberPickerProps) {
  const id = useId();
  const [term, setTerm] = useState('');
  const [matches, setMatches] = useState<OrganizationUser[] | null>(null);
  const names = useMemberNames(userId ? [userId] : []);

  useEffect(() => {
    const query = term.trim();
    if (query === '') {
      setMatches(null);
      return;
    }
    let isCurrent = true;
    const timer = window.setTimeout(() => {
      listUsers({ ...emptyDirectoryQuery, q: query, sort: 'name', order: 'asc' }, null)
        .then((page) => {
          if (isCurrent) setMatches(page.users.slice(0, suggestionCount));
        })
        .catch(() => {
          if (isCurrent) setMatches([]);
        });
    }, searchDelayInMilliseconds);
    return () => {
      isCurrent = false;
      window.clearTimeout(timer);
    };
  }, [term]);

  if (userId) {
    const name = names.get(userId);
    return (
      <div className="field member-picker">
        <span className="field-label" id={`${id}-label`}>
          {label}
        </span>
        <div className="member-picker-chosen">
          <span>{name ?? (name === null ? 'Unknown member' : 'Loading…')}</span>
          <button type="button" className="button button-secondary button-small" onClick={() => onChange('')}>
            Clear<span className="visually-hidden"> the member filter</span>
          </button>
        </div>
      </div>
    );
  }

  function choose(user: OrganizationUser) {
    rememberMemberName(user.id, user.name);
    setTerm('');
    setMatches(null);
    onChange(user.id);
  }

  return (
    <div className="field member-picker">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="search"
        value={term}
        onChange={(event) => setTerm(event.target.value)}
        placeholder="Name or e-mail"
        spellCheck={false}
        autoComplete="off"
        aria-describedby={`${id}-status`}
      />
      <p id={`${id}-status`} role="status" className="visually-hidden">
        {matches === null ? '' : matches.length === 0 ? 'No member matches.' : `${matches.length} matching members below.`}
      </p>
      {matches !== null && (
        <ul className="member-picker-matches">
          {matches.length === 0 && <li className="muted">No member matches.</li>}
          {matches.map((user) => (
            <li key={user.id}>
              <button type="button" className="button-link" onClick={() => choose(user)}>
                {user.name} <span className="muted">({user.email})</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
