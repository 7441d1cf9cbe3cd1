import { AUDIT_ACTIONS, isAuditAction } from '../../../src/core/index.js';
import type { AuditEvent } from '../api/types.js';
import { dateTime } from '../lib/format.js';

function who(e: AuditEvent): string {
  if (e.actor.name) return `${e.actor.name} (${e.actor.role})`;
  if (e.actor.role === 'anonymous')
    return e.action === 'document.verified' ? 'Someone verifying the file' : 'Someone with a share link';
  return e.actor.role === 'system' ? 'The system' : 'Someone';
}

/** What the actor did, in words from the core's list of audit actions; an unknown (newer) one as is. */
const did = (action: string) => (isAuditAction(action) ? AUDIT_ACTIONS[action].did : action);

/** A timeline of who did what to which document, when and from where. */
export function AccessLog({ events }: { events: AuditEvent[] }) {
  if (events.length === 0) return <p>No events yet.</p>;
  return (
    <ol class="timeline">
      {events.map((e) => (
        <li key={e.seq} class={e.outcome !== 'success' ? 'timeline__item--refused' : undefined}>
          <time dateTime={new Date(e.at).toISOString()}>{dateTime(e.at)}</time> <strong>{who(e)}</strong>{' '}
          {did(e.action)}
          {e.document?.title ? ` — “${e.document.title}”` : ''}
          {e.outcome !== 'success'
            ? ` (refused${typeof e.details.reason === 'string' ? `: ${e.details.reason}` : ''})`
            : ''}
          {e.ip ? <span class="muted"> from {e.ip}</span> : null}
        </li>
      ))}
    </ol>
  );
}
