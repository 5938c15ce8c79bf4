'use client';

import { Search } from 'lucide-react';
import { useState } from 'react';
import { Button } from './button';
import { Input, Select } from './input';

/**
 * A list's filter row: a status select ("all statuses" first) that applies at once, and a search
 * field applied by its button. Its tracks do not depend on their content (a grid: status, search up
 * to 20rem, a fixed button column), so a row drawn from half a parsed page is where the whole one is.
 */
export function ListFilters<Status extends string>({
  statuses,
  status,
  statusLabel,
  onStatus,
  query,
  searchLabel,
  placeholder,
  onSearch,
}: {
  statuses: readonly Status[];
  status: Status | 'all';
  /** The status select's accessible name. */
  statusLabel: string;
  onStatus: (status: Status | 'all') => void;
  /** The search applied now; the field starts from it. */
  query: string;
  /** The search field's accessible name. */
  searchLabel: string;
  placeholder: string;
  onSearch: (query: string) => void;
}) {
  const [q, setQ] = useState(query);
  return (
    <form
      className="mb-3 grid grid-cols-[minmax(0,1fr)_7.5rem] gap-2 sm:grid-cols-[11rem_minmax(0,20rem)_7.5rem]"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        onSearch(q);
      }}
    >
      <Select
        aria-label={statusLabel}
        name="status"
        className="col-span-2 sm:col-span-1"
        value={status}
        onChange={(e) => onStatus(e.target.value as Status | 'all')}
      >
        <option value="all">all statuses</option>
        {statuses.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </Select>
      <Input type="search" name="q" aria-label={searchLabel} placeholder={placeholder} value={q} onChange={(e) => setQ(e.target.value)} />
      <Button type="submit" variant="secondary">
        <Search aria-hidden /> Search
      </Button>
    </form>
  );
}
