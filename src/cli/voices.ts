/**
 * `voices list`, `get`, `create` and `delete`. `list` prints each page as it arrives, through
 * the list call's own iteration, so a long listing starts at once and is never held whole.
 */
import type { FishAudio } from '../client.js';
import { nearest } from '../options.js';
import type { CreateVoiceParams, VoiceListParams } from '../resources/voices.js';
import { seeHelp, VISIBILITIES, type FlagValues } from './args.js';
import { CliError, EXIT_CODES, type ExitCode } from './exit-codes.js';
import { clip, oneLine, quoteName, show, table } from './render.js';
import { checkReadable, fileOf } from './speech.js';

/** Voices per page of `voices list`: the API's default. */
const PAGE_SIZE = 10;

/** Writes to stdout; `false` once stdout takes no more (its reader left, or the disk is full). */
type Out = (text: string) => boolean;

/**
 * One voice per line as its page arrives: id, title, state, visibility; or JSON Lines. Stops
 * at the first line stdout does not take, before asking for another page.
 */
export async function runVoicesList(
  client: FishAudio,
  values: FlagValues,
  out: Out,
): Promise<ExitCode> {
  // Asked for explicitly, the spec's default: the pager takes an unasked size from the page it
  // got, so a short last page would look like a smaller size and ask for one page more.
  const params: VoiceListParams = { page_size: PAGE_SIZE };
  if (values.self) params.self = true;
  for await (const voice of client.voices.list(params)) {
    const fields = voice as Record<string, unknown>;
    const columns = [fields._id, fields.title, fields.state, fields.visibility];
    const text = values.json
      ? JSON.stringify(voice)
      : columns.map((value) => show(value) ?? '-').join('\t');
    // `voices list | head -n 1`: nobody reads the rest, so no further page is fetched.
    if (!out(`${text}\n`)) break;
  }
  return EXIT_CODES.OK;
}

/** A voice's summary, or its body with `--json`. */
export async function runVoicesGet(
  client: FishAudio,
  id: string,
  values: FlagValues,
  out: Out,
): Promise<ExitCode> {
  const body: Record<string, unknown> = await client.voices.get(id);
  if (values.json) {
    out(`${JSON.stringify(body, null, 2)}\n`);
    return EXIT_CODES.OK;
  }
  if (typeof body._id !== 'string') throw noId(body._id);
  const list = (value: unknown) =>
    Array.isArray(value) && value.length > 0 ? oneLine(value.join(', ')) : undefined;
  const author = (body.author ?? {}) as Record<string, unknown>;
  out(
    table([
      ['id', oneLine(body._id)],
      ['title', show(body.title)],
      ['type', show(body.type)],
      ['state', show(body.state)],
      ['visibility', show(body.visibility)],
      ['train mode', show(body.train_mode)],
      ['languages', list(body.languages)],
      ['tags', list(body.tags)],
      ['samples', Array.isArray(body.samples) ? String(body.samples.length) : undefined],
      ['author', show(author.nickname)],
      ['created at', show(body.created_at)],
      ['updated at', show(body.updated_at)],
    ]),
  );
  return EXIT_CODES.OK;
}

/** A `voices create` run, checked. */
export interface CreatePlan {
  title: string;
  files: string[];
  texts?: string[];
  visibility: (typeof VISIBILITIES)[number];
  json: boolean;
}

/** Checks the files and flags before the key is read or anything is uploaded. */
export async function planVoicesCreate(
  values: FlagValues,
  files: readonly string[],
): Promise<CreatePlan> {
  for (const file of files) await checkReadable(file, 'voices create');
  const title = String(values.title);
  if (title.trim() === '') {
    throw new CliError(EXIT_CODES.USAGE, `--title needs a title. ${seeHelp('voices create')}`);
  }
  const visibility = values.visibility === undefined ? 'private' : String(values.visibility);
  if (!(VISIBILITIES as readonly string[]).includes(visibility)) {
    const near = nearest(visibility, VISIBILITIES);
    throw new CliError(
      EXIT_CODES.USAGE,
      `--visibility ${quoteName(visibility)} is not one of ${VISIBILITIES.join(', ')}.${near ? ` Did you mean ${near}?` : ''} ${seeHelp('voices create')}`,
    );
  }
  const plan: CreatePlan = {
    title,
    files: [...files],
    visibility: visibility as CreatePlan['visibility'],
    json: values.json === true,
  };
  const texts = values.text;
  if (Array.isArray(texts)) {
    if (texts.length !== files.length) {
      throw new CliError(
        EXIT_CODES.USAGE,
        `Give one --text per FILE, in the same order (got ${texts.length} for ${files.length}), or none to let the API transcribe them. ${seeHelp('voices create')}`,
      );
    }
    plan.texts = texts;
  }
  return plan;
}

/** Uploads the samples as multipart, one `voices` part per file, and prints the new id. */
export async function runVoicesCreate(
  client: FishAudio,
  plan: CreatePlan,
  out: Out,
): Promise<ExitCode> {
  const params: CreateVoiceParams = {
    type: 'tts',
    train_mode: 'fast',
    title: plan.title,
    visibility: plan.visibility,
    voices: await Promise.all(plan.files.map(fileOf)),
    ...(plan.texts ? { texts: plan.texts } : {}),
  };
  const body: Record<string, unknown> = await client.voices.create(params);
  if (plan.json) {
    out(`${JSON.stringify(body, null, 2)}\n`);
    return EXIT_CODES.OK;
  }
  if (typeof body._id !== 'string') throw noId(body._id);
  out(`${oneLine(body._id)}\n`);
  return EXIT_CODES.OK;
}

/** Deletes the voice and says so. */
export async function runVoicesDelete(client: FishAudio, id: string, out: Out): Promise<ExitCode> {
  await client.voices.delete(id);
  out(`deleted ${oneLine(id)}\n`);
  return EXIT_CODES.OK;
}

function noId(got: unknown) {
  return new CliError(
    EXIT_CODES.INVALID_RESPONSE,
    `The API answered without an "_id" string (got ${clip(JSON.stringify(got) ?? 'nothing')}). Check that --base-url points at the Fish Audio API.`,
  );
}
