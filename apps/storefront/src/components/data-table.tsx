import type { ReactNode } from 'react';

/**
 * A table of rows (cart, order, order history, traces): a caption, for screen readers only
 * unless `captionClassName` shows it, and one header row.
 */
export function DataTable({
  caption,
  columns,
  children,
  captionClassName = 'visually-hidden',
  testId,
}: {
  caption: string;
  columns: readonly string[];
  children: ReactNode;
  captionClassName?: string;
  testId?: string;
}) {
  return (
    <table data-testid={testId}>
      <caption className={captionClassName}>{caption}</caption>
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c} scope="col">
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
