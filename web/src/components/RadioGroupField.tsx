import { useId } from 'react';

interface RadioGroupFieldProps<Value extends string> {
  legend: string;
  name: string;
  value: Value;
  options: ReadonlyArray<{ value: Value; label: string; hint?: string }>;
  onValueChange: (value: Value) => void;
  hint?: string;
  error?: string;
  disabled?: boolean;
}

/** A labelled group of radio buttons (a fieldset): arrow keys move between the options. */
export function RadioGroupField<Value extends string>({ legend, name, value, options, onValueChange, hint, error, disabled }: RadioGroupFieldProps<Value>) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined;
  return (
    <fieldset className="field radio-group" aria-describedby={describedBy} aria-invalid={error ? true : undefined} disabled={disabled}>
      <legend>{legend}</legend>
      {hint && (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      )}
      {options.map((option) => {
        const optionId = `${id}-${option.value}`;
        return (
          <div key={option.value} className="radio-option">
            <input
              id={optionId}
              type="radio"
              name={name}
              value={option.value}
              checked={value === option.value}
              onChange={() => onValueChange(option.value)}
              aria-describedby={option.hint ? `${optionId}-hint` : undefined}
            />
            <div>
              <label htmlFor={optionId}>{option.label}</label>
              {option.hint && (
                <p id={`${optionId}-hint`} className="field-hint">
                  {option.hint}
                </p>
              )}
            </div>
          </div>
        );
      })}
      {error && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}
