import type { Problem } from '../api/client';
import { ProblemText } from './ProblemAlert';

interface FormAlertProps {
  problem: Problem | null;
  /** Names of the fields this form shows; their errors appear beside them, the rest appear here. */
  fields?: readonly string[];
}

/**
 * The form-level error: what went wrong, plus any field error that has no field on screen. When
 * every error already sits beside its field (where focus goes), a summary would only repeat them.
 */
export function FormAlert({ problem, fields = [] }: FormAlertProps) {
  if (problem === null) return null;
  const errors = problem.errors ?? [];
  const unplaced = errors.filter((error) => !fields.includes(error.field));
  if (errors.length > 0 && unplaced.length === 0) return null;
  return (
    <div className="alert alert-error" role="alert" tabIndex={-1}>
      <ProblemText problem={problem} />
      {unplaced.length > 0 && (
        <ul>
          {unplaced.map((error) => (
            <li key={`${error.field}:${error.message}`}>{error.message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
