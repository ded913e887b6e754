import type { TextareaHTMLAttributes } from 'react';
import { LabelledField } from './LabelledField';

type TextAreaProps = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'onChange' | 'value' | 'id'>;

interface TextAreaFieldProps extends TextAreaProps {
  label: string;
  name: string;
  value: string;
  onValueChange: (value: string) => void;
  error?: string;
  hint?: string;
}

/** A labelled multi-line field whose hint and error are tied to it, like TextField. */
export function TextAreaField({ label, name, value, onValueChange, error, hint, rows = 4, ...rest }: TextAreaFieldProps) {
  return (
    <LabelledField label={label} hint={hint} error={error}>
      {(control) => <textarea {...control} name={name} rows={rows} value={value} onChange={(event) => onValueChange(event.target.value)} {...rest} />}
    </LabelledField>
  );
}
