import { TextField } from './TextField';

interface OneTimeCodeFieldProps {
  label: string;
  hint: string;
  value: string;
  onValueChange: (value: string) => void;
  error: string | undefined;
  /** Digits only (app and texted codes): the numeric keyboard. Off when a recovery code may be typed. */
  isNumeric?: boolean;
}

/** L2/S2: a field for a code from an app or a text; phones offer the code they just received. */
export function OneTimeCodeField({ label, hint, value, onValueChange, error, isNumeric = true }: OneTimeCodeFieldProps) {
  return (
    <TextField
      label={label}
      name="code"
      hint={hint}
      autoComplete="one-time-code"
      inputMode={isNumeric ? 'numeric' : undefined}
      spellCheck={false}
      value={value}
      onValueChange={onValueChange}
      error={error}
    />
  );
}
