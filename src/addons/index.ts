// Every add-on, loaded (and so registered) when the library is: a new add-on is a file and a line here.
export { Addon, AddonDefaults, AddonOptions, AddonSecret } from './addon';
export * from './migrations';
export * from './postgres';
export * from './redis';
