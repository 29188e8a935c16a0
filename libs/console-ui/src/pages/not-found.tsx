import { PageHeader } from '../components/shell';

export function NotFoundPage() {
  return (
    <>
      <PageHeader title="Page not found" lead="No console page lives at this address." />
      <p>
        <a href="/console">Go to the overview</a>
      </p>
    </>
  );
}
