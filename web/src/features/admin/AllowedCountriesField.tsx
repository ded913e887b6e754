import { useId, useState } from 'react';
import { countryOptions } from '../security/phone-number';

interface AllowedCountriesFieldProps {
  countries: readonly string[];
  onCountriesChange: (countries: string[]) => void;
  error?: string;
  disabled?: boolean;
}

/**
 * Issue 10 item 6: the countries whose mobile numbers members may add, picked one at a time from
 * every country with a calling code, each removable. (Loaded on demand: it carries the library's
 * country list.)
 */
export function AllowedCountriesField({ countries, onCountriesChange, error, disabled }: AllowedCountriesFieldProps) {
  const id = useId();
  const errorId = `${id}-error`;
  const chosen = countryOptions.filter((option) => countries.includes(option.value));
  const available = countryOptions.filter((option) => !countries.includes(option.value));
  const [picked, setPicked] = useState<string>('');
  const toAdd = available.some((option) => option.value === picked) ? picked : (available[0]?.value ?? '');

  return (
    <div className="field allowed-countries">
      <label htmlFor={`${id}-add`}>Add a country</label>
      <div className="allowed-countries-add">
        <select
          id={`${id}-add`}
          value={toAdd}
          disabled={disabled || available.length === 0}
          onChange={(event) => setPicked(event.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
        >
          {available.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
        <button type="button" className="button button-secondary button-small" disabled={disabled || toAdd === ''} onClick={() => onCountriesChange([...countries, toAdd].sort())}>
          Add
        </button>
      </div>
      {chosen.length === 0 ? (
        <p className="field-hint">No country yet: add at least one, or allow every country.</p>
      ) : (
        <ul className="allowed-countries-list" aria-label="Allowed countries">
          {chosen.map((option) => (
            <li key={option.value}>
              <span>{option.label}</span>
              <button
                type="button"
                className="button button-secondary button-small"
                disabled={disabled}
                aria-label={`Remove ${option.label}`}
                onClick={() => onCountriesChange(countries.filter((country) => country !== option.value))}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}
