import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Template } from './template.ts';

/** A synthesized cloud assembly (what `cdk synth -o DIR` writes): one stack's template, and where each of its assets is. */
export interface CloudAssembly {
  dir: string;
  template: Template;
  /** The folder an asset's object key (`<hash>.zip`, a function's `Code.S3Key`) was staged from. */
  assetPath: (objectKey: string) => string;
}

interface Manifest {
  artifacts?: Record<string, { type: string; displayName?: string; properties?: { templateFile?: string; file?: string } }>;
}

interface AssetManifest {
  files?: Record<string, { source: { path: string }; destinations: Record<string, { objectKey: string }> }>;
}

async function readJsonIn<T>(dir: string, file: string, what: string): Promise<T> {
  try {
    return JSON.parse(await readFile(join(dir, file), 'utf8')) as T;
  } catch (error) {
    throw new Error(`${dir} is not a cloud assembly (npx cdk synth -o DIR writes one): cannot read ${what} ${file}: ${(error as Error).message}`);
  }
}

/** Reads the stack `stackName` of the cloud assembly in `dir`, as `cdk deploy --app DIR` takes it. */
export async function readAssembly(dir: string, stackName: string): Promise<CloudAssembly> {
  const manifest = await readJsonIn<Manifest>(dir, 'manifest.json', 'its manifest');
  const artifacts = Object.entries(manifest.artifacts ?? {});
  const stack = artifacts.find(([id, a]) => a.type === 'aws:cloudformation:stack' && (id === stackName || a.displayName === stackName));
  if (!stack?.[1].properties?.templateFile) {
    const stacks = artifacts.filter(([, a]) => a.type === 'aws:cloudformation:stack').map(([id]) => id);
    throw new Error(`the cloud assembly ${dir} has no stack ${stackName} (it has ${stacks.join(', ') || 'none'})`);
  }
  const template = await readJsonIn<Template>(dir, stack[1].properties.templateFile, 'the template');
  const keys = new Map<string, string>();
  for (const [, artifact] of artifacts.filter(([, a]) => a.type === 'cdk:asset-manifest' && a.properties?.file)) {
    const assets = await readJsonIn<AssetManifest>(dir, artifact.properties!.file!, 'the asset manifest');
    for (const file of Object.values(assets.files ?? {})) {
      for (const destination of Object.values(file.destinations)) keys.set(destination.objectKey, join(dir, file.source.path));
    }
  }
  return {
    dir,
    template,
    assetPath: (objectKey) => {
      const path = keys.get(objectKey);
      if (!path) throw new Error(`the cloud assembly ${dir} has no asset ${objectKey}`);
      return path;
    },
  };
}
