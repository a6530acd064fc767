# Tests of kiln's Koji plugins with Koji's own code: the hub's handler registry and plugin
# loader, kojid's task manager registration and BaseTaskHandler. Run with Koji's source on
# PYTHONPATH (the integration test does: test/integration/koji.test.ts):
#   PYTHONPATH=<koji-src> python3 -m unittest discover -s scripts/koji-plugin -p 'test_*.py'

import os
import shlex
import tempfile
import unittest
from optparse import Values

import koji
import koji.daemon
import koji.plugin
import koji.tasks
from kojihub.kojixmlrpc import HandlerRegistry

HERE = os.path.dirname(os.path.abspath(__file__))
hub = koji.plugin.PluginTracker(path=[os.path.join(HERE, 'hub')]).load('kiln_hub')
builder = koji.plugin.PluginTracker(path=[os.path.join(HERE, 'builder')]).load('kiln_builder')

OPTS = {'tree': 'http://mirror/f19/x86_64/os/', 'template': 'fedora-cloud', 'template_release': '19'}


class HubPlugin(unittest.TestCase):

    def test_the_hub_registers_kilnBuild(self):
        registry = HandlerRegistry()
        registry.register_plugin(hub)
        self.assertIn('kilnBuild', registry.funcs)

    def test_a_good_request_passes(self):
        hub.check_request('Fedora-Cloud-Base', '19', '1.3', 'i686', OPTS)

    def test_bad_requests_are_parameter_errors(self):
        for args in [('a', '1-2', '1', 'x86_64', {}), ('a', '1', '1', 'ppc64', {}),
                     ('a', '1', '1', 'x86_64', []), ('', '1', '1', 'x86_64', {}),
                     ('a b', '1', '1', 'x86_64', {})]:
            with self.assertRaises(koji.ParameterError, msg=repr(args)):
                hub.check_request(*args)


class BuilderPlugin(unittest.TestCase):

    def setUp(self):
        self.work = tempfile.mkdtemp()
        self.config = {'kiln': '/usr/bin/node /opt/kiln/main.js', 'store': '/srv/kiln/store', 'cg': 'kiln', 'import': 'true'}

    def test_kojid_finds_the_handler_and_its_weight(self):
        class Manager(koji.daemon.TaskManager):
            def __init__(self):
                self.handlers = {}
                self.logger = None
        tm = Manager()
        tm.scanPlugin(builder)
        task = tm.handlers['kilnBuild'](7, 'kilnBuild', koji.encode_args('n', '1', '1', 'x86_64', OPTS),
                                        None, Values({'workdir': self.work}))
        self.assertEqual(task.params, ('n', '1', '1', 'x86_64', OPTS))
        self.assertEqual(task.weight(), 1.5)

    def test_argv(self):
        opts = dict(OPTS, vars={'liveimg_url': 'http://x/p.tar'}, targets=['openstack', 'raw-xz'],
                    prep=False, disk_size='4G', memory=1024, xz_level=0)
        argv, out = builder.build_argv(self.config, self.work, 'Fedora-Cloud-Base', '19', 'x86_64', opts)
        self.assertEqual(argv, shlex.split(
            '/usr/bin/node /opt/kiln/main.js build --json --arch x86_64 --disk-size 4G --memory 1024'
            ' --template fedora-cloud --release 19 --tree http://mirror/f19/x86_64/os/ --xz-level 0'
            ' --var liveimg_url=http://x/p.tar --no-prep --name Fedora-Cloud-Base --image-version 19'
            ' --target openstack,raw-xz --out %s --store /srv/kiln/store' % out))

    def test_a_kickstart_text_is_written_to_the_workdir(self):
        argv, _ = builder.build_argv(self.config, self.work, 'n', '1', 'i686',
                                     {'tree': '/t', 'kickstart': 'text\n'})
        ks = argv[argv.index('--kickstart') + 1]
        self.assertTrue(ks.startswith(self.work))
        with open(ks) as f:
            self.assertEqual(f.read(), 'text\n')

    def test_bad_options_are_parameter_errors(self):
        for opts in [{'template': 'x'}, dict(OPTS, store='/'), dict(OPTS, targets=['iso']),
                     dict(OPTS, memory='1024'), dict(OPTS, vars=['a=b']), {'tree': '/t'}]:
            with self.assertRaises(koji.ParameterError, msg=repr(opts)):
                builder.build_argv(self.config, self.work, 'n', '1', 'x86_64', opts)

    def test_the_last_result_and_error_lines(self):
        path = os.path.join(self.work, 'events.log')
        with open(path, 'w') as f:
            f.write('{"type":"phase","phase":"install","state":"start"}\nnot json\n'
                    '{"type":"result","data":{"id":"abc"}}\n{"type":"error","code":"X","message":"m"}\n')
        self.assertEqual(builder.last_line(path, 'result')['data'], {'id': 'abc'})
        self.assertEqual(builder.last_line(path, 'error')['code'], 'X')

    def test_config_file_is_read_with_kojis_reader(self):
        path = os.path.join(self.work, 'kiln.conf')
        with open(path, 'w') as f:
            f.write('[kiln]\nkiln = /opt/kiln/bin/kiln\nimport = false\nstore =\n')
        config = builder.read_config(path)
        self.assertEqual(config['kiln'], '/opt/kiln/bin/kiln')
        self.assertFalse(builder.config_bool(config['import']))
        self.assertNotIn('store', config)


if __name__ == '__main__':
    unittest.main()
