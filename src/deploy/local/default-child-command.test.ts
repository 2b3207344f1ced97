import { describe, expect, it } from 'vitest';
import { allTrafficTo, type Deployment } from '../deployments/deployment-types.js';
import { defaultChildCommand, serveArguments } from './default-child-command.js';
import { logFileName } from './log-file-name.js';

const deployment = (model: string, host?: string): Deployment => ({
  model,
  environment: 'staging',
  revision: 1,
  target: { kind: 'local', host, port: 5101 },
  policy: allTrafficTo('1'),
  action: 'deploy',
  actor: 'test',
  time: 0,
  createdAt: 0,
});

describe('defaultChildCommand', () => {
  it('runs this CLI again with the serve arguments, each value glued to its flag', () => {
    const command = defaultChildCommand(deployment('wine'), 'http://127.0.0.1:5000');
    expect(command.program).toBe(process.execPath);
    expect(command.args.slice(-6)).toEqual([
      process.argv[1],
      'serve',
      '--deployment=wine/staging',
      '--host=127.0.0.1',
      '--port=5101',
      '--tracking-uri=http://127.0.0.1:5000',
    ]);
    expect(command.env.PATH).toBe(process.env.PATH);
  });

  it('keeps a value that looks like a flag inside its argument', () => {
    expect(serveArguments(deployment('--evil', '0.0.0.0'), 'sqlite:///tmp/x.db')).toEqual([
      'serve',
      '--deployment=--evil/staging',
      '--host=0.0.0.0',
      '--port=5101',
      '--tracking-uri=sqlite:///tmp/x.db',
    ]);
  });
});

describe('logFileName', () => {
  it('is <model>-<environment>.log for a plain name', () => {
    expect(logFileName('wine-quality_v2', 'production')).toBe('wine-quality_v2-production.log');
  });

  it('keeps any other name inside the folder and apart from its look-alikes', () => {
    const slash = logFileName('../team/wine', 'staging');
    const underscore = logFileName('.._team_wine', 'staging');
    expect(slash).toMatch(/^team_wine-[0-9a-f]{8}-staging\.log$/);
    expect(underscore).toMatch(/^team_wine-[0-9a-f]{8}-staging\.log$/);
    expect(slash).not.toBe(underscore);
    expect(logFileName('..', 'staging')).toMatch(/^model-[0-9a-f]{8}-staging\.log$/);
  });
});
