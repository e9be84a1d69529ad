import {
  TS_PACKET,
  finishSection,
  packetPid,
  pesTime,
  readProgramMap,
  sectionPacket,
  startsPayloadUnit,
  type ProgramMap,
  type ProgramStream,
} from './ts-tables.js';

/**
 * Audio placed by time: one PES packet of an audio stream as TS packets (PIDs already mapped), or one fMP4
 * fragment as a single buffer. `time`: its decoding time (90 kHz); `end`: where it ends, when known.
 */
export interface AudioUnit {
  time: number;
  end?: number;
  packets: Buffer[];
}

/** The audio streams of an audio-only TS rendition, under the PIDs they get in the muxed output. */
export interface AudioProgram {
  streams: ProgramStream[];
  /** Rendition PID → output PID. */
  pids: ReadonlyMap<number, number>;
}

const FIRST_FREE_PID = 0x0101;
const LAST_PID = 0x1ffe;

/**
 * The audio streams of `audio` placed next to `video`'s program: PIDs that collide with the video's
 * (both usually come from the same packager and use 0x100) move to free ones. Null when `audio` has no
 * readable program or no stream.
 */
export function mapAudioProgram(audio: Buffer, video: ProgramMap): AudioProgram | null {
  const program = readProgramMap(audio);
  if (!program || program.streams.length === 0) return null;
  const taken = pidsInUse(video);
  const pids = new Map<number, number>();
  for (const stream of program.streams) {
    const pid = taken.has(stream.pid) ? freePid(taken) : stream.pid;
    if (pid === null) return null;
    taken.add(pid);
    pids.set(stream.pid, pid);
  }
  const streams = program.streams.map((stream) => {
    const pid = pids.get(stream.pid)!;
    const entry = Buffer.from(stream.entry);
    entry[1] = (entry[1]! & 0xe0) | ((pid >> 8) & 0x1f);
    entry[2] = pid & 0xff;
    return { type: stream.type, pid, entry };
  });
  return { streams, pids };
}

/** One audio stream made by the relay (from packed audio), on a PID the video's program leaves free. */
export function syntheticAudioProgram(type: number, video: ProgramMap): AudioProgram | null {
  const pid = freePid(pidsInUse(video));
  if (pid === null) return null;
  const entry = Buffer.from([type, 0xe0 | (pid >> 8), pid & 0xff, 0xf0, 0x00]);
  return { streams: [{ type, pid, entry }], pids: new Map() };
}

/** PAT, CAT, SDT, null packets, the PMT and the video's streams. */
function pidsInUse(video: ProgramMap): Set<number> {
  return new Set([0, 1, 0x11, 0x1fff, video.pmtPid, ...video.streams.map((stream) => stream.pid)]);
}

function freePid(taken: ReadonlySet<number>): number | null {
  for (let pid = FIRST_FREE_PID; pid <= LAST_PID; pid += 1) if (!taken.has(pid)) return pid;
  return null;
}

/**
 * The PES units of an audio-only segment's streams, PIDs mapped. Packets that continue a PES begun in the
 * previous segment go to `continueUnit` (the caller's last unit of that PID, or nowhere when it was sent).
 */
export function splitAudioUnits(audio: Buffer, program: AudioProgram, continueUnit: (pid: number) => AudioUnit | undefined): AudioUnit[] {
  const units: AudioUnit[] = [];
  const open = new Map<number, AudioUnit>();
  for (let offset = 0; offset + TS_PACKET <= audio.length; offset += TS_PACKET) {
    const pid = program.pids.get(packetPid(audio, offset));
    if (pid === undefined) continue;
    const packet = Buffer.from(audio.subarray(offset, offset + TS_PACKET));
    packet[1] = (packet[1]! & 0xe0) | ((pid >> 8) & 0x1f);
    packet[2] = pid & 0xff;
    const time = startsPayloadUnit(audio, offset) ? pesTime(audio, offset) : null;
    if (time !== null) {
      const unit = { time, packets: [packet] };
      units.push(unit);
      open.set(pid, unit);
      continue;
    }
    (open.get(pid) ?? continueUnit(pid))?.packets.push(packet);
  }
  return units;
}

/** The decoding time of a segment's first PES on one of the program's streams, or null. */
export function firstPesTime(segment: Buffer, program: ProgramMap): number | null {
  const pids = new Set(program.streams.map((stream) => stream.pid));
  for (let offset = 0; offset + TS_PACKET <= segment.length; offset += TS_PACKET) {
    if (!startsPayloadUnit(segment, offset) || !pids.has(packetPid(segment, offset))) continue;
    const time = pesTime(segment, offset);
    if (time !== null) return time;
  }
  return null;
}

/**
 * `video` with the audio streams added: its PMT rewritten to list them, and the audio units `take` hands
 * out placed before the first video PES that decodes after them — interleaved by time, as a muxer would,
 * so players that clock by PCR (VLC) do not find the audio late. `take(until)` returns the packets of
 * the units decoding at or before `until`; at the end it is asked up to `endTime`. Null when the PMT
 * with the audio streams would not fit in one packet.
 */
export function interleaveAudio(
  video: Buffer,
  program: ProgramMap,
  audio: AudioProgram,
  take: (until: number) => Buffer[],
  endTime: number,
): Buffer | null {
  const pmt = finishSection(Buffer.concat([program.section, ...audio.streams.map((stream) => stream.entry)]));
  if (sectionPacket(program.pmtPid, 0, pmt) === null) return null;
  const videoPids = new Set(program.streams.map((stream) => stream.pid));
  const out: Buffer[] = [];
  for (let offset = 0; offset + TS_PACKET <= video.length; offset += TS_PACKET) {
    const pid = packetPid(video, offset);
    const packet = video.subarray(offset, offset + TS_PACKET);
    if (pid === program.pmtPid) {
      const rewritten = startsPayloadUnit(video, offset) ? sectionPacket(pid, video[offset + 3]! & 0x0f, pmt) : null;
      out.push(rewritten ?? packet);
      continue;
    }
    if (videoPids.has(pid) && startsPayloadUnit(video, offset)) {
      const time = pesTime(video, offset);
      if (time !== null) out.push(...take(time));
    }
    out.push(packet);
  }
  out.push(...take(endTime));
  return Buffer.concat(out);
}
