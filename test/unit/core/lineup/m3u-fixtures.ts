import { readFileSync } from 'node:fs';

/** A provider playlist from test/fixtures/m3u, byte for byte (BOM and line ends included). */
export function readM3uFixture(name: string): string {
  return readFileSync(new URL(`../../../fixtures/m3u/${name}`, import.meta.url), 'utf8');
}

/** Deep-freezes a value so a test fails loudly if the code under test mutates its input. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * `count` channels in a provider's style: every third tvg-id repeats (a backup source), headers, options
 * and a comment sprinkled in, CRLF line ends.
 */
export function generateProviderPlaylist(count: number): string {
  const lines = ['#EXTM3U url-tvg="http://epg.example/guide.xml.gz"'];
  for (let i = 0; i < count; i += 1) {
    const channel = i % 3 === 2 ? i - 1 : i;
    lines.push(
      `#EXTINF:-1 tvg-id="ch${channel}.example" tvg-name="Channel ${channel}" ` +
        `tvg-logo="http://logos.example/${channel}.png" group-title="Group ${channel % 40}",Channel ${channel}`,
    );
    if (i % 10 === 0) lines.push('#EXTVLCOPT:http-user-agent=Mozilla/5.0 (SMART-TV; Tizen 6.0)');
    if (i % 25 === 0) lines.push('#KODIPROP:inputstream.adaptive.manifest_type=hls');
    lines.push(`http://live.provider.example:8080/live/user/pass/${i}.m3u8`);
  }
  return `${lines.join('\r\n')}\r\n`;
}
