// A class's stream read in Node, as a student's page reads it with EventSource: for the relay's
// tests and the benchmark's simulated students.
import { classEventSchema, type ClassEvent } from '../app/_components/class/class-protocol'

/**
 * Opens `url` (a class's `/events`) and hands each event to `onEvent`, checked by its schema.
 * Returns the response's status and a way to close the stream.
 */
export async function openClassStream(
  url: string,
  onEvent: (event: ClassEvent) => void,
): Promise<{ status: number; close(): void }> {
  const controller = new AbortController()
  const response = await fetch(url, { signal: controller.signal })
  const reader = response.body!.getReader()
  const decoder = new TextDecoder()
  let buffered = ''
  void (async () => {
    for (;;) {
      const read = await reader.read().catch(() => ({ done: true as const, value: undefined }))
      if (read.done) return
      buffered += decoder.decode(read.value, { stream: true })
      let end
      while ((end = buffered.indexOf('\n\n')) !== -1) {
        const data = buffered
          .slice(0, end)
          .split('\n')
          .find((line) => line.startsWith('data: '))
        buffered = buffered.slice(end + 2)
        if (data) onEvent(classEventSchema.parse(JSON.parse(data.slice(6))))
      }
    }
  })()
  return { status: response.status, close: () => controller.abort() }
}
