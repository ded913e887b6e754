import { minimumPasswordLength } from '../../../src/core/password-policy';
import { TextField } from './TextField';

interface PasswordFieldProps {
  label: string;
  name: string;
  value: string;
  onValueChange: (value: string) => void;
  error?: string;
}

/** A1/A4: a password being chosen: the browser may suggest one, and the rule is stated up front. */
export function NewPasswordField(props: PasswordFieldProps) {
  return <TextField type="password" autoComplete="new-password" hint={`At least ${minimumPasswordLength} characters.`} {...props} />;
}

/** The new password typed again (password reset and change). */
export function PasswordConfirmationField(props: Omit<PasswordFieldProps, 'label' | 'name'>) {
  return <TextField label="Confirm new password" name="confirmation" type="password" autoComplete="new-password" {...props} />;
}
