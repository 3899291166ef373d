// `./werkbank start` runs this before the source build: each learner tool that PATH does
// not offer in a fitting version and that is not here yet is downloaded from its project's
// releases and verified. Whatever fails is left to the source build, which runs next.
import { toolchain } from './paths.ts';
import { releaseAsset, releasePath } from './releases.ts';
import { resolveLearnerTools } from './resolve.ts';
import { downloadRelease } from './download.ts';

const say = (text: string) => console.error(`[werkbank] ${text}`);
const tools = toolchain();

for (const resolution of Object.values(resolveLearnerTools())) {
  if (resolution.chosen) continue;
  if (resolution.provide !== 'download') {
    say(`${resolution.tool}: kein Release-Download (${resolution.noDownloadReason}) – kommt aus dem Bau aus Go-Quellen.`);
    continue;
  }
  const asset = releaseAsset(resolution.tool);
  say(`Lade ${asset.tool} ${asset.version} (${asset.url}) …`);
  try {
    await downloadRelease(asset, releasePath(asset.tool, tools), { workDir: tools.dir });
    say(`${asset.tool} ${asset.version}: geladen, Prüfsumme stimmt.`);
  } catch (error) {
    say(`${(error as Error).message} ${asset.tool} wird stattdessen aus Go-Quellen gebaut.`);
  }
}
