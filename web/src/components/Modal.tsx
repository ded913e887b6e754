import { useEffect, useId, useRef, type ReactNode } from 'react';
import './modal.css';

interface ModalProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
  description?: ReactNode;
}

/**
 * A modal built on <dialog>.showModal(): the browser provides the focus trap, the inert page
 * behind and Escape (the `cancel` event). Mount it to open it, unmount it to close it; focus goes
 * to the first field on open and back to whatever opened it on close.
 */
export function Modal({ title, onClose, children, description }: ModalProps) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const onCloseRef = useRef(onClose);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    onCloseRef.current = onClose;
  }, [onClose]);

  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog === null) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    const first = dialog.querySelector<HTMLElement>(
      '[data-autofocus], input:not([type="hidden"]):not([disabled]):not([readonly]), select:not([disabled]), textarea:not([disabled])',
    );
    first?.focus();

    const handleCancel = (event: Event) => {
      // Keep React in charge of whether the dialog is open.
      event.preventDefault();
      onCloseRef.current();
    };
    // Browsers may close a dialog on a second Escape without a cancel event; follow them.
    const handleClose = () => onCloseRef.current();
    dialog.addEventListener('cancel', handleCancel);
    dialog.addEventListener('close', handleClose);
    return () => {
      dialog.removeEventListener('cancel', handleCancel);
      dialog.removeEventListener('close', handleClose);
      if (dialog.open) dialog.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  return (
    <dialog ref={dialogRef} className="modal" aria-labelledby={titleId} aria-describedby={description ? descriptionId : undefined}>
      <h2 id={titleId} className="modal-title">
        {title}
      </h2>
      {description && (
        <div id={descriptionId} className="modal-description">
          {description}
        </div>
      )}
      {children}
    </dialog>
  );
}
