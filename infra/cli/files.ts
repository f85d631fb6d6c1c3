import { readFile } from 'node:fs/promises';
import { readRecallFile, type RecallFile } from '#shared/recall-file.ts';

/** Reads a JSON file the user named; errors say which file and what is wrong, in one line. */
export async function readJsonFile(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the ${what} file ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`the ${what} file ${path} is not JSON: ${(error as Error).message}`);
  }
}

/** Reads a recall file the user named (the CPSC API JSON or the cpsc.gov CSV); errors say which file and what is wrong. */
export async function readRecallFileAt(path: string): Promise<RecallFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  try {
    return readRecallFile(text);
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`);
  }
}
