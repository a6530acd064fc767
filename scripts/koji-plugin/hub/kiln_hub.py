# Koji hub plugin for kiln: exports kilnBuild, which creates a kilnBuild task for a builder
# running the kiln builder plugin (../builder/kiln_builder.py). No configuration file.
#
#   koji call kilnBuild Fedora-Cloud-Base 19 1.3 x86_64 \
#       '{"tree": "http://mirror/fedora/19/x86_64/os/", "template": "fedora-cloud", "template_release": "19"}'
#
# The options are checked by the builder plugin, which knows kiln's flags; the hub checks what a
# task must have to be created: who asks, the NVR and the arch.

import koji
from koji.context import context
from koji.plugin import export

import kojihub

__all__ = ('kilnBuild',)

ARCHES = ('x86_64', 'i686')


def check_request(name, version, release, arch, opts):
    """Raise koji.ParameterError unless the request can become a task."""
    for key, value in (('name', name), ('version', version), ('release', release)):
        if not isinstance(value, str) or not value or any(c.isspace() or c == '/' for c in value):
            raise koji.ParameterError('%s must be a non-empty string without spaces or slashes' % key)
    try:
        koji.check_NVR({'name': name, 'version': version, 'release': release}, strict=True)
    except koji.GenericError as e:
        raise koji.ParameterError(str(e))
    if arch not in ARCHES:
        raise koji.ParameterError('arch must be one of %s, not %r' % (', '.join(ARCHES), arch))
    if not isinstance(opts, dict):
        raise koji.ParameterError('opts must be a struct')


@export
def kilnBuild(name, version, release, arch, opts=None, channel='image', priority=None):
    """Create a kilnBuild task: a Koji builder runs kiln and imports (or returns) the image.

    :param str name, version, release: the Koji build (and the images' name and version)
    :param str arch: x86_64 or i686 (any builder with QEMU builds either)
    :param dict opts: tree, template/template_release or kickstart, targets, ... (see the
                      builder plugin)
    :param str channel: builder channel (default 'image')
    :returns int: the task id
    """
    context.session.assertPerm('image')
    opts = {} if opts is None else opts
    check_request(name, version, release, arch, opts)
    taskopts = {'channel': channel, 'arch': 'noarch'}
    if priority is not None:
        taskopts['priority'] = int(priority)
    return kojihub.make_task('kilnBuild', [name, version, release, arch, opts], **taskopts)
