import { CLIENT_STATUSES } from '../schema';
import type { ClientSummary } from '../queries';

export function ClientSummaryCards({ summary, businessName }: { summary: ClientSummary; businessName: string }) {
  return (
    <section>
      <h1>{businessName}</h1>
      <div className="cards" aria-label="Clients by status">
        <div className="card">
          <div className="muted">All clients</div>
          <div className="n" data-status="total">
            {summary.total}
          </div>
        </div>
        {CLIENT_STATUSES.map((s) => (
          <div className="card" key={s}>
            <div className="muted">{s}</div>
            <div className="n" data-status={s}>
              {summary[s]}
            </div>
          </div>
        ))}
      </div>
    </section>
  );
}
