#!/bin/sh
# kiln cloud prep 'cloud' (generated)
KILN_ADD='console=tty0 console=ttyS0,115200n8'
KILN_REMOVE='console= quiet rhgb splash'
KILN_CLOUD_CFG='# Written by kiln: the cloud-init settings of this image.
datasource_list: [ NoCloud, ConfigDrive, OpenStack, None ]'
KILN_SSH_PASSWORD_OFF='0'
KILN_GRUB_TIMEOUT='1'
KILN_GRUB_SERIAL='1'
KILN_MODULES=''
KILN_MODULES_RE=''
KILN_MARKER='KILN-PREP-REPORT-DISK'
KILN_REPORT_BEGIN='#kiln-prep-report-begin'
KILN_REPORT_END='#kiln-prep-report-end'
