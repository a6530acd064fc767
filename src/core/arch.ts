/** The architectures kiln builds for (Pungi's compose names i686 as i386; see compose/arches). */
export type Arch = 'x86_64' | 'i686';
