# kojid plugin for kiln: the kilnBuild task runs `kiln build --json` on this builder, streams
# kiln's events into the task's logs as they come, and then either imports the outputs into Koji
# as a content-generator build (`kiln koji import`) or uploads them as the task's results.
# Cancelling the task ends kiln cleanly: the signal kojid sends reaches kiln's process group,
# kiln destroys its guest and exits (130 on SIGINT).
#
# Configuration: /etc/kojid/plugins/kiln.conf (or $KILN_KOJI_PLUGIN_CONF), section [kiln]:
#   kiln      how to run kiln, split like a shell would (default: kiln)
#   store     kiln's base image store (default: kiln's own)
#   connect   libvirt URI (default: kiln's own)
#   import    true: import the outputs as a Koji build; false: upload them as task results
#   cg        content generator name for the import (default: kiln)
#   hub, cert, serverca   the import's hub and credentials (default: kojid's server, cert, serverca)

import json
import os
import shlex
import signal
import subprocess
import time

import koji
import koji.tasks
from koji.daemon import incremental_upload

__all__ = ('KilnBuildTask',)

CONFIG_FILE = '/etc/kojid/plugins/kiln.conf'
TARGETS = ('ec2', 'openstack', 'raw-tar-xz', 'raw-xz', 'appliance')
# task option -> (kiln flag, type); anything else is refused
FLAGS = {
    'tree': ('--tree', str),
    'template': ('--template', str),
    'template_release': ('--release', str),
    'disk_size': ('--disk-size', str),
    'memory': ('--memory', int),
    'vcpus': ('--vcpus', int),
    'xz_level': ('--xz-level', int),
    'openstack_compat': ('--openstack-compat', str),
}
OTHER_OPTIONS = ('kickstart', 'vars', 'targets', 'prep', 'import', 'tag')


def read_config(path=None):
    """The [kiln] section as a dict of strings (missing file: all defaults)."""
    path = path or os.environ.get('KILN_KOJI_PLUGIN_CONF', CONFIG_FILE)
    config = {'kiln': 'kiln', 'cg': 'kiln', 'import': 'true'}
    if os.path.exists(path):
        cp = koji.read_config_files(path)
        if cp.has_section('kiln'):
            config.update((k, v) for k, v in cp.items('kiln') if v != '')
    return config


def config_bool(value):
    return str(value).strip().lower() in ('1', 'true', 'yes', 'on')


def build_argv(config, workdir, name, version, arch, opts):
    """The `kiln build` command line for a task; raises koji.ParameterError for bad options."""
    unknown = sorted(set(opts) - set(FLAGS) - set(OTHER_OPTIONS))
    if unknown:
        raise koji.ParameterError('unknown kilnBuild option(s): %s' % ', '.join(unknown))
    if not isinstance(opts.get('tree'), str) or not opts['tree']:
        raise koji.ParameterError('kilnBuild needs the install tree: opts["tree"]')
    if not opts.get('template') and not opts.get('kickstart'):
        raise koji.ParameterError('kilnBuild needs opts["template"] (with "template_release") or opts["kickstart"]')
    targets = opts.get('targets', ['openstack'])
    if not isinstance(targets, list) or not targets or any(t not in TARGETS for t in targets):
        raise koji.ParameterError('targets must be a list of %s' % ', '.join(TARGETS))
    argv = shlex.split(config['kiln']) + ['build', '--json', '--arch', arch]
    for key, (flag, kind) in sorted(FLAGS.items()):
        if key in opts:
            if not isinstance(opts[key], kind) or isinstance(opts[key], bool):
                raise koji.ParameterError('%s must be a %s' % (key, kind.__name__))
            argv += [flag, str(opts[key])]
    if opts.get('kickstart'):
        if not isinstance(opts['kickstart'], str):
            raise koji.ParameterError('kickstart must be the kickstart text')
        ks = os.path.join(workdir, 'task.ks')
        with open(ks, 'w') as f:
            f.write(opts['kickstart'])
        argv += ['--kickstart', ks]
    variables = opts.get('vars', {})
    if not isinstance(variables, dict):
        raise koji.ParameterError('vars must be a struct of strings')
    for k, v in sorted(variables.items()):
        argv += ['--var', '%s=%s' % (k, v)]
    if opts.get('prep') is False:
        argv.append('--no-prep')
    out = os.path.join(workdir, 'out')
    argv += ['--name', name, '--image-version', version, '--target', ','.join(targets), '--out', out]
    argv += store_args(config)
    if config.get('connect'):
        argv += ['--connect', config['connect']]
    return argv, out


def store_args(config):
    return ['--store', config['store']] if config.get('store') else []


def last_line(path, kind):
    """The last JSON line of type `kind` ('result' or 'error') that kiln printed, or None."""
    found = None
    with open(path) as f:
        for line in f:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if isinstance(event, dict) and event.get('type') == kind:
                found = event
    return found


class KilnBuildTask(koji.tasks.BaseTaskHandler):

    Methods = ['kilnBuild']
    # A TCG install keeps about one core busy, targets (xz, qemu-img) more.
    _taskWeight = 1.5

    def handler(self, name, version, release, arch, opts=None):
        opts = dict(opts or {})
        config = read_config()
        argv, out = build_argv(config, self.workdir, name, version, arch, opts)
        built = self.run_kiln(argv, 'kiln-build')['data']
        outputs = built.get('targets', {}).get('outputs', [])
        do_import = config_bool(opts['import']) if 'import' in opts else config_bool(config['import'])
        if do_import:
            return self.import_outputs(config, out, name, version, release, opts.get('tag'), built)
        for o in outputs:
            for fn in (o['file'], o['file'] + '.sha256'):
                self.uploadFile(os.path.join(out, fn))
        self.uploadFile(os.path.join(out, 'targets.json'))
        return {'base': built['id'], 'outputs': outputs}

    def import_outputs(self, config, out, name, version, release, tag, built):
        argv = shlex.split(config['kiln']) + [
            'koji', 'import', out, '--json', '--name', name, '--version', version, '--release', release,
            '--hub', config.get('hub') or self.options.server, '--cg', config['cg'],
        ]
        cert = config.get('cert') or self.options.cert
        serverca = config.get('serverca') or self.options.serverca
        argv += ['--cert', cert] + (['--serverca', serverca] if serverca else [])
        argv += (['--tag', tag] if tag else []) + store_args(config)
        imported = self.run_kiln(argv, 'kiln-import')['data']
        return {'base': built['id'], 'build_id': imported['buildId'], 'nvr': imported['nvr'],
                'imported': imported['imported'], 'files': imported['files']}

    def run_kiln(self, argv, stem):
        """Runs kiln in its own process group; its events go to <stem>.log in the task's output
        as they come. Returns kiln's result line, or raises with kiln's error."""
        events = os.path.join(self.workdir, stem + '.log')
        errors = os.path.join(self.workdir, stem + '.stderr.log')
        self.logger.info('running %s', ' '.join(shlex.quote(a) for a in argv))
        with open(events, 'wb') as out, open(errors, 'wb') as err:
            proc = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                    start_new_session=True)
        received = []

        def forward(signum, frame):
            # kiln cleans up on its first signal; more would make it give up on cleaning up.
            received.append(signum)
            if len(received) == 1:
                try:
                    os.killpg(proc.pid, signum)
                except ProcessLookupError:
                    pass
        old = {s: signal.signal(s, forward) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            with open(events, 'rb') as ev, open(errors, 'rb') as er:
                while proc.poll() is None:
                    self.upload_new(ev, stem + '.log')
                    time.sleep(1)
                self.upload_new(ev, stem + '.log')
                self.upload_new(er, stem + '.stderr.log')
        finally:
            for s, handler in old.items():
                signal.signal(s, handler)
        self.logger.info('%s: kiln exited with status %s', stem, proc.returncode)
        if received:
            raise koji.GenericError('kiln was stopped by signal %d and exited with %s'
                                    % (received[0], proc.returncode))
        if proc.returncode != 0:
            error = last_line(events, 'error') or {}
            raise koji.BuildError('kiln failed (exit %s) [%s]: %s' % (
                proc.returncode, error.get('code', '?'), error.get('message', 'see %s.stderr.log' % stem)))
        result = last_line(events, 'result')
        if result is None:
            raise koji.BuildError('kiln printed no result (see %s.log)' % stem)
        return result

    def upload_new(self, fd, name):
        try:
            incremental_upload(self.session, name, fd, self.getUploadDir(), logger=self.logger)
        except koji.GenericError as e:
            # A cancelled task takes no more uploads; kiln is still waited for.
            self.logger.warning('could not upload %s: %s', name, e)
