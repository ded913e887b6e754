import type { InputHTMLAttributes } from 'react';
import { LabelledField } from './LabelledField';

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value' | 'id'>;

interface TextFieldProps extends InputProps {
  label: string;
  name: string;
  value: string;
  onValueChange: (value: string) => void;
  error?: string;
  hint?: string;
}

/** A labelled input whose hint and error are tied to it with aria-describedby. */
export function TextField({ label, name, value, onValueChange, error, hint, type = 'text', ...rest }: TextFieldProps) {
  return (
    <LabelledField label={label} hint={hint} error={error}>
      {(control) => <input {...control} name={name} type={type} value={value} onChange={(event) => onValueChange(event.target.value)} {...rest} />}
    </LabelledField>
  );
}
