import { redirect } from 'next/navigation';
import { activeClients, session } from '../../../lib';

export const metadata = { title: 'Clients' };

export default async function ClientsPage() {
  const s = await session();
  if (!s) redirect('/sign-in');
  const clients = await activeClients(s.bid);
  return (
    <main>
      <h1>Clients</h1>
      <table>
        <thead>
          <tr>
            <th>Name</th>
            <th>Email</th>
            <th>Company</th>
            <th>Phone</th>
            <th>Status</th>
          </tr>
        </thead>
        <tbody>
          {clients.map((c) => (
            <tr key={c.id}>
              <td>
                {c.firstName} {c.lastName}
              </td>
              <td>{c.email}</td>
              <td>{c.company}</td>
              <td>{c.phone}</td>
              <td>{c.status}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
