import { describe, expect, it } from 'vitest';
import { documentClient } from '#shared/store/document-client.ts';
import { SendSlots } from '#shared/store/send-slots.ts';
import { localDynamo } from '../support/local-dynamo.ts';

describe('send slots', () => {
  const dynamo = localDynamo('slots');
  const fresh = async (perSecond: number) => new SendSlots(documentClient(dynamo.client()), await dynamo.table(), perSecond);
  const at = (iso: string) => new Date(iso);
  const times = (slots: Date[]) => slots.map((d) => d.toISOString().slice(11, 23));

  it('hands out whole seconds, so many a second, to concurrent callers without overlap', async () => {
    const slots = await fresh(3);
    const reserved = await Promise.all(Array.from({ length: 10 }, () => slots.reserve(2, at('2026-03-02T14:00:00.250Z'))));
    const perSecond = new Map<string, number>();
    for (const slot of reserved.flat()) perSecond.set(slot.toISOString(), (perSecond.get(slot.toISOString()) ?? 0) + 1);
    expect([...perSecond.entries()].sort()).toEqual([
      ['2026-03-02T14:00:00.250Z', 3],
      ['2026-03-02T14:00:01.250Z', 3],
      ['2026-03-02T14:00:02.250Z', 3],
      ['2026-03-02T14:00:03.250Z', 3],
      ['2026-03-02T14:00:04.250Z', 3],
      ['2026-03-02T14:00:05.250Z', 3],
      ['2026-03-02T14:00:06.250Z', 2],
    ]);
  });

  it('restarts after an idle spell, never within a second of the last second given', async () => {
    const slots = await fresh(2);
    expect(times(await slots.reserve(3, at('2026-03-02T14:00:00.000Z')))).toEqual(['14:00:00.000', '14:00:00.000', '14:00:01.000']);
    // Half a second into the last second given (14:00:01): starting now would put more than two
    // sends within a second, so the counter restarts a second after it.
    expect(times(await slots.reserve(2, at('2026-03-02T14:00:01.500Z')))).toEqual(['14:00:02.000', '14:00:02.000']);
    // The counter's next second (14:00:03) has passed and the last second given (14:00:02) is over: it restarts now.
    expect(times(await slots.reserve(1, at('2026-03-02T14:00:03.200Z')))).toEqual(['14:00:03.200']);
    expect(times(await slots.reserve(1, at('2026-03-02T15:00:00.000Z')))).toEqual(['15:00:00.000']);
  });
});
