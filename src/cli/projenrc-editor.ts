import {
  ImportDeclaration, NewExpression, NewLineKind, Node, ObjectLiteralExpression, Project, SourceFile, Statement, SyntaxKind,
} from 'ts-morph';
import { insertListElement, insertStatementAfter, insertStatementBefore, removeListElement, removeStatement } from './minimal-edits';
import '../addons';
import { addonKind, addonKinds } from '../addons/registry';
import { DEFAULT_PORT } from '../model/constants';

/** The package whose classes `.projenrc.ts` uses. */
export const PACKAGE = 'projen-go-service';

/** The class `.projenrc.ts` creates for a registered add-on kind. */
export function addonClass(kind: string): string {
  const found = addonKind(kind);
  if (!found) throw new Error(`there is no add-on kind ${kind}: use one of ${addonKinds().map((k) => k.kind).join(', ')}`);
  return found.className;
}

/**
 * `.projenrc.ts` has a shape that cannot be edited safely. The message says what is wrong (the
 * command adds what to do by hand).
 */
export class UneditableProjenrc extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UneditableProjenrc';
  }
}

/** How code is written into a `.projenrc.ts`: references to our classes, strings, the project. */
export interface CodeStyle {
  /** The project variable. */
  readonly project: string;
  /** A reference to one of our exports (importing it when needed). */
  ref(exportName: string): string;
  /** A string literal in the file's quotes. */
  str(value: string): string;
}

/** A `new GoService(...)` found in the file. */
export interface ServiceEntry {
  readonly name?: string;
  /** A top-level statement `new GoService(project, '<name>', {...})` that can be removed on its own. */
  readonly removable: boolean;
}

/** A `new PostgresDatabase(...)` or `new RedisCache(...)` found in the file. */
export interface AddonEntry {
  readonly kind: string;
  /** The compose service name: its `name` option, else the kind; undefined when not a literal. */
  readonly name?: string;
  /** The `services` option, when it is an array of string literals. */
  readonly services?: string[];
  readonly removable: boolean;
}

/** What the editor found: the one safe shape. */
interface Shape {
  readonly projectVariable: string;
  readonly projectStatement: Statement;
  readonly options: ObjectLiteralExpression;
  readonly synth: Statement;
}

interface Bindings {
  /** Our exports imported by name: export name → local name. */
  readonly named: Map<string, string>;
  /** `import * as ns from 'projen-go-service'`. */
  readonly namespace?: string;
  /** The first declaration with named imports, where new names go. */
  readonly namedDeclaration?: ImportDeclaration;
  readonly quote: string;
}

interface Found {
  readonly expression: NewExpression;
  /** The top-level statement made of this expression alone, if it is one. */
  readonly statement?: Statement;
  readonly options?: ObjectLiteralExpression;
}

/**
 * A `.projenrc.ts` as code (ts-morph): finds the one top-level
 * `const project = new GoServiceProject({...})` with an object literal and its top-level
 * `project.synth()`, the `new GoService(project, '<name>', {...})` and add-on statements, and makes
 * minimal edits: a property of the project's options, a statement added before `project.synth()`
 * or removed, a named import from 'projen-go-service'. The rest of the file stays byte for byte.
 * Any other shape (the project built in a function, options from a variable or a spread, several
 * projects, a subclass) is refused with an UneditableProjenrc.
 */
export class ProjenrcEditor implements CodeStyle {
  /** Parses the text of a `.projenrc.ts`. */
  public static parse(text: string): ProjenrcEditor {
    return new ProjenrcEditor(text);
  }

  private readonly file: SourceFile;

  private constructor(text: string) {
    // inserted text is written with the file's own line ending
    const newLineKind = text.includes('\r\n') ? NewLineKind.CarriageReturnLineFeed : NewLineKind.LineFeed;
    const project = new Project({ useInMemoryFileSystem: true, skipLoadingLibFiles: true, manipulationSettings: { newLineKind } });
    this.file = project.createSourceFile('/.projenrc.ts', text);
  }

  /** The current text. */
  public get text(): string {
    return this.file.getFullText();
  }

  /** Refuses (UneditableProjenrc) unless the file has the one shape it can edit safely. */
  public assertEditable(): void {
    this.shape();
  }

  /** The project variable (`project`). */
  public get project(): string {
    return this.shape().projectVariable;
  }

  /** The project variable as well as it can be told, even when the file cannot be edited. */
  public get projectVariableGuess(): string {
    try {
      return this.shape().projectVariable;
    } catch {
      const decl = this.findNew('GoServiceProject').map((f) => f.expression.getParentIfKind(SyntaxKind.VariableDeclaration))[0];
      const name = decl?.getNameNode();
      return name && Node.isIdentifier(name) ? name.getText() : 'project';
    }
  }

  /** Our exports the file imports by name (any shape). */
  public get importedNames(): string[] {
    return this.packageImports().flatMap((d) => d.getNamedImports().map((s) => s.getName()));
  }

  /** The project name, when `name` is a string literal. */
  public get projectName(): string | undefined {
    return stringValue(this.propertyInitializer(this.shape().options, 'name'));
  }

  /** Every `new GoService(...)`, the ones this editor can remove marked so. */
  public services(): ServiceEntry[] {
    const projectVariable = this.shape().projectVariable;
    return this.findNew('GoService').map((f) => {
      const [project, name] = f.expression.getArguments();
      return {
        name: stringValue(name),
        removable: f.statement !== undefined && isIdentifier(project, projectVariable) && stringValue(name) !== undefined,
      };
    });
  }

  /** Every add-on (`new PostgresDatabase(...)`, `new RedisCache(...)`). */
  public addons(): AddonEntry[] {
    const projectVariable = this.shape().projectVariable;
    return addonKinds().flatMap(({ kind, className }) => this.findNew(className).map((f) => {
      const [project, options] = f.expression.getArguments();
      const literal = options === undefined || Node.isObjectLiteralExpression(options);
      const name = options === undefined ? kind : this.nameOption(f.options, kind);
      return {
        kind,
        name,
        services: this.stringArray(f.options && this.propertyInitializer(f.options, 'services')),
        removable: f.statement !== undefined && isIdentifier(project, projectVariable) && literal && name !== undefined,
      };
    }));
  }

  /**
   * The ports written as number literals (`port: 8081`) anywhere in the file, and the default port
   * (a service without `port` listens there). Works on any shape: for hints as well as edits.
   */
  public ports(): number[] {
    const ports = this.file.getDescendantsOfKind(SyntaxKind.PropertyAssignment)
      .filter((p) => propertyName(p) === 'port')
      .map((p) => p.getInitializer())
      .flatMap((i) => (i !== undefined && Node.isNumericLiteral(i) ? [i.getLiteralValue()] : []));
    return [DEFAULT_PORT, ...ports];
  }

  /** A reference to one of our exports, adding a named import when the file has none. */
  public ref(exportName: string): string {
    const b = this.bindings();
    const local = b.named.get(exportName);
    if (local) return local;
    if (b.namespace) return `${b.namespace}.${exportName}`;
    const decl = b.namedDeclaration;
    if (!decl) {
      throw new UneditableProjenrc(`it imports nothing by name from '${PACKAGE}', so ${exportName} cannot be added to an import`);
    }
    const specifiers = decl.getNamedImports();
    const names = specifiers.map((s) => s.getName());
    const sorted = names.every((n, i) => i === 0 || names[i - 1].localeCompare(n) <= 0);
    const at = sorted ? names.findIndex((n) => n.localeCompare(exportName) > 0) : -1;
    insertListElement(this.file, decl.getImportClauseOrThrow().getNamedBindingsOrThrow(), specifiers, exportName, at < 0 ? names.length : at);
    return exportName;
  }

  /** A string literal in the quotes of the file's import from 'projen-go-service'. */
  public str(value: string): string {
    return quote(value, this.bindings().quote);
  }

  /**
   * Sets a property of the project's options to `code`: replaces its value, or adds it after the
   * last property. Returns false when it already had exactly this value.
   */
  public setOption(name: string, code: string): boolean {
    const options = this.shape().options;
    const property = options.getProperties().find((p) => propertyName(p) === name);
    if (property === undefined) {
      insertListElement(this.file, options, options.getProperties(), `${name}: ${code}`);
      return true;
    }
    if (!Node.isPropertyAssignment(property)) {
      throw new UneditableProjenrc(`the option ${name} is not written as ${name}: <value> in the options of new GoServiceProject({...})`);
    }
    const value = property.getInitializerOrThrow();
    if (value.getText() === code) return false;
    this.file.replaceText([value.getStart(), value.getEnd()], code);
    return true;
  }

  /** Adds a `new GoService(...)` statement after the last one, else before `project.synth()`. */
  public addServiceStatement(code: string): void {
    this.addStatementAfterLast(this.findNew('GoService'), code);
  }

  /** Adds an add-on statement after the last add-on, else before `project.synth()`. */
  public addAddonStatement(code: string): void {
    this.addStatementAfterLast(addonKinds().flatMap((k) => this.findNew(k.className)), code);
  }

  /** Adds a statement right before `project.synth()`. */
  public addStatement(code: string): void {
    insertStatementBefore(this.file, this.shape().synth, code);
  }

  /** Removes the statement `new GoService(project, '<name>', ...)`; false if there is none to remove. */
  public removeService(name: string): boolean {
    const found = this.findNew('GoService').find((f) => stringValue(f.expression.getArguments()[1]) === name);
    return found ? this.removeFound(found) : false;
  }

  /** Removes the add-on statement named `name`; false if there is none to remove. */
  public removeAddon(kind: string, name: string): boolean {
    const found = this.findNew(addonClass(kind))
      .find((f) => (f.expression.getArguments()[1] === undefined ? kind : this.nameOption(f.options, kind)) === name);
    return found ? this.removeFound(found) : false;
  }

  /**
   * Removes a service from the `services` lists of the add-ons. Returns the add-ons changed; refuses
   * when a list would be left empty (that would mean "no service", not "every service").
   */
  public removeServiceFromAddons(service: string): string[] {
    const changed: string[] = [];
    for (const { kind, className } of addonKinds()) {
      for (let again = true; again;) {
        again = false;
        for (const f of this.findNew(className)) {
          const list = f.options && this.propertyInitializer(f.options, 'services');
          if (!list || !Node.isArrayLiteralExpression(list)) continue;
          const elements = list.getElements();
          const index = elements.findIndex((e) => stringValue(e) === service);
          if (index < 0) continue;
          const addon = this.nameOption(f.options, kind) ?? kind;
          if (elements.length === 1) {
            throw new UneditableProjenrc(`${addon} is connected to ${service} alone (services: [${this.str(service)}]), and an empty list would connect it to no service`);
          }
          removeListElement(this.file, elements, index);
          changed.push(addon);
          again = true; // the tree changed: find the add-ons again
          break;
        }
      }
    }
    return changed;
  }

  private addStatementAfterLast(found: Found[], code: string): void {
    const shape = this.shape();
    // top-level statements between the project and project.synth()
    const between = found.flatMap((f) => (f.statement ? [f.statement] : []))
      .filter((s) => s.getStart() > shape.projectStatement.getStart() && s.getStart() < shape.synth.getStart());
    const last = between[between.length - 1];
    if (last) {
      insertStatementAfter(this.file, last, code);
    } else {
      insertStatementBefore(this.file, shape.synth, code);
    }
  }

  private removeFound(found: Found): boolean {
    if (!found.statement) return false;
    // our imports the statement used, to drop the ones nothing else uses any more
    const b = this.bindings();
    const locals = new Set(b.named.values());
    const used = new Set(found.statement.getDescendantsOfKind(SyntaxKind.Identifier).map((i) => i.getText()).filter((t) => locals.has(t)));
    removeStatement(this.file, found.statement);
    for (const local of used) this.removeImportIfUnused(local);
    return true;
  }

  private removeImportIfUnused(local: string): void {
    const uses = this.file.getDescendantsOfKind(SyntaxKind.Identifier)
      .filter((i) => i.getText() === local && !i.getFirstAncestorByKind(SyntaxKind.ImportDeclaration));
    if (uses.length > 0) return;
    const decl = this.packageImports().find((d) => d.getNamedImports().some((s) => localName(s) === local));
    if (!decl) return;
    const specifiers = decl.getNamedImports();
    if (specifiers.length === 1) {
      if (!decl.getDefaultImport() && !decl.getNamespaceImport()) removeStatement(this.file, decl);
      return;
    }
    removeListElement(this.file, specifiers, specifiers.findIndex((s) => localName(s) === local));
  }

  private packageImports(): ImportDeclaration[] {
    return this.file.getImportDeclarations().filter((d) => d.getModuleSpecifierValue() === PACKAGE);
  }

  private bindings(): Bindings {
    const decls = this.packageImports();
    if (decls.length === 0) {
      throw new UneditableProjenrc(`it does not import from '${PACKAGE}'`);
    }
    const named = new Map<string, string>();
    let namespace: string | undefined;
    for (const d of decls) {
      for (const s of d.getNamedImports()) named.set(s.getName(), localName(s));
      namespace = namespace ?? d.getNamespaceImport()?.getText();
    }
    return {
      named,
      namespace,
      namedDeclaration: decls.find((d) => d.getImportClause()?.getNamedBindings()?.getKind() === SyntaxKind.NamedImports),
      quote: decls[0].getModuleSpecifier().getText()[0],
    };
  }

  /** Whether an expression names one of our exports (`GoService`, an alias, or `ns.GoService`). */
  private refersTo(expression: Node, exportName: string, b: Bindings): boolean {
    if (Node.isIdentifier(expression)) return b.named.get(exportName) === expression.getText();
    return Node.isPropertyAccessExpression(expression) && b.namespace !== undefined
      && isIdentifier(expression.getExpression(), b.namespace) && expression.getName() === exportName;
  }

  /** Every `new <exportName>(...)` in the file, in order. */
  private findNew(exportName: string): Found[] {
    const b = this.bindings();
    return this.file.getDescendantsOfKind(SyntaxKind.NewExpression)
      .filter((n) => this.refersTo(n.getExpression(), exportName, b))
      .map((expression) => {
        const parent = expression.getParent();
        const statement = Node.isExpressionStatement(parent) && parent.getParent() === this.file ? parent : undefined;
        const options = expression.getArguments().find((a): a is ObjectLiteralExpression => Node.isObjectLiteralExpression(a));
        return { expression, statement, options };
      });
  }

  private shape(): Shape {
    const found = this.findNew('GoServiceProject');
    if (found.length === 0) {
      throw new UneditableProjenrc('it has no new GoServiceProject({...}); a project type of your own (such as a subclass) or a project made elsewhere cannot be edited safely');
    }
    if (found.length > 1) {
      throw new UneditableProjenrc(`it creates ${found.length} projects (lines ${found.map((f) => f.expression.getStartLineNumber()).join(', ')}), and the command cannot tell which one to change`);
    }
    const project = found[0].expression;
    const line = project.getStartLineNumber();
    const decl = project.getParentIfKind(SyntaxKind.VariableDeclaration);
    const statement = decl?.getVariableStatement();
    const name = decl?.getNameNode();
    if (!decl || !statement || statement.getParent() !== this.file || !name || !Node.isIdentifier(name) || statement.getDeclarationKind() !== 'const') {
      const where = project.getFirstAncestor((a) => Node.isFunctionLikeDeclaration(a)) ? 'inside a function' : 'in an expression';
      throw new UneditableProjenrc(`the project is created ${where} (line ${line}), not by a top-level const project = new GoServiceProject({...})`);
    }
    const args = project.getArguments();
    const options = args[0];
    if (args.length !== 1 || !Node.isObjectLiteralExpression(options)) {
      throw new UneditableProjenrc(`the options of new GoServiceProject (line ${line}) are not written out as an object literal ({ name: ..., ... })`);
    }
    if (options.getProperties().some((p) => Node.isSpreadAssignment(p))) {
      throw new UneditableProjenrc(`the options of new GoServiceProject (line ${line}) use a spread (...), which could override what the command writes`);
    }
    const variable = name.getText();
    const synths = this.file.getDescendantsOfKind(SyntaxKind.CallExpression).filter((c) => {
      const callee = c.getExpression();
      return Node.isPropertyAccessExpression(callee) && callee.getName() === 'synth' && isIdentifier(callee.getExpression(), variable);
    });
    const synth = synths[0]?.getParent();
    if (synths.length !== 1 || !Node.isExpressionStatement(synth) || synth.getParent() !== this.file || synth.getStart() < statement.getEnd()) {
      throw new UneditableProjenrc(`${variable}.synth() is not called exactly once, as a top-level statement after the project`);
    }
    return { projectVariable: variable, projectStatement: statement, options, synth };
  }

  private propertyInitializer(options: ObjectLiteralExpression, name: string): Node | undefined {
    const p = options.getProperties().find((x) => propertyName(x) === name);
    return p && Node.isPropertyAssignment(p) ? p.getInitializer() : undefined;
  }

  /** An add-on's `name` option, its kind when absent, undefined when not a string literal. */
  private nameOption(options: ObjectLiteralExpression | undefined, kind: string): string | undefined {
    if (!options) return undefined;
    const has = options.getProperties().some((x) => propertyName(x) === 'name');
    return has ? stringValue(this.propertyInitializer(options, 'name')) : kind;
  }

  private stringArray(node: Node | undefined): string[] | undefined {
    if (!node || !Node.isArrayLiteralExpression(node)) return undefined;
    const values = node.getElements().map(stringValue);
    return values.every((v): v is string => v !== undefined) ? values : undefined;
  }
}

/** The value of a string literal (or a template without substitutions). */
function stringValue(node: Node | undefined): string | undefined {
  return node && (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) ? node.getLiteralValue() : undefined;
}

function isIdentifier(node: Node | undefined, name: string): boolean {
  return node !== undefined && Node.isIdentifier(node) && node.getText() === name;
}

/** The name of an object literal member (`port`, `'port'`), if it has a plain one. */
function propertyName(p: Node): string | undefined {
  if (Node.isShorthandPropertyAssignment(p)) return p.getName();
  if (!Node.isPropertyAssignment(p) && !Node.isMethodDeclaration(p)) return undefined;
  const name = p.getNameNode();
  if (Node.isIdentifier(name)) return name.getText();
  return Node.isStringLiteral(name) || Node.isNoSubstitutionTemplateLiteral(name) ? name.getLiteralValue() : undefined;
}

function localName(specifier: { getName(): string; getAliasNode(): Node | undefined }): string {
  return specifier.getAliasNode()?.getText() ?? specifier.getName();
}

/** A string literal in the given quotes. */
export function quote(value: string, q: string): string {
  const body = JSON.stringify(value).slice(1, -1);
  return q === '"' ? `"${body}"` : `'${body.replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
}
