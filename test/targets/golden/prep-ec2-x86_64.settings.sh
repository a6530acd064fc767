#!/bin/sh
# kiln cloud prep 'ec2' (generated)
KILN_ADD='console=tty0 console=ttyS0,115200n8 nvme_core.io_timeout=4294967295'
KILN_REMOVE='console= quiet rhgb splash'
KILN_CLOUD_CFG='# Written by kiln: the cloud-init settings of this image.
datasource_list: [ Ec2 ]
ssh_pwauth: false'
KILN_SSH_PASSWORD_OFF='1'
KILN_GRUB_TIMEOUT='1'
KILN_GRUB_SERIAL='1'
KILN_MODULES='xen-blkfront nvme ena'
KILN_MODULES_RE='xen[-_]blkfront|nvme|ena'
KILN_MARKER='KILN-PREP-REPORT-DISK'
KILN_REPORT_BEGIN='#kiln-prep-report-begin'
KILN_REPORT_END='#kiln-prep-report-end'
