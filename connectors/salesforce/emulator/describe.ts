import type { FieldDef, ObjectDef } from './schema.ts';

/** sObject describe bodies: the subset of Salesforce's keys a connector inspects, in its shapes. */

const SOAP_TYPE: Record<FieldDef['type'], string> = {
  id: 'tns:ID',
  reference: 'tns:ID',
  string: 'xsd:string',
  email: 'xsd:string',
  url: 'xsd:string',
  phone: 'xsd:string',
  textarea: 'xsd:string',
  picklist: 'xsd:string',
  boolean: 'xsd:boolean',
  datetime: 'xsd:dateTime',
  date: 'xsd:date',
  double: 'xsd:double',
};

const LENGTH: Partial<Record<FieldDef['type'], number>> = {
  id: 18,
  reference: 18,
  string: 255,
  email: 80,
  url: 255,
  phone: 40,
  textarea: 32768,
  picklist: 255,
};

function objectUrls(def: ObjectDef, version: string): Record<string, string> {
  const base = `/services/data/${version}/sobjects/${def.name}`;
  return { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` };
}

/** The object summary used by describeGlobal and GET /sobjects/:type. */
export function describeBasic(def: ObjectDef, version: string): Record<string, unknown> {
  const writable = def.name !== 'User';
  return {
    name: def.name,
    label: def.label,
    labelPlural: def.labelPlural,
    keyPrefix: def.keyPrefix,
    custom: false,
    createable: true,
    updateable: true,
    deletable: writable,
    queryable: true,
    retrieveable: true,
    searchable: true,
    replicateable: true,
    triggerable: true,
    undeletable: writable,
    layoutable: true,
    urls: objectUrls(def, version),
  };
}

export function describeField(field: FieldDef): Record<string, unknown> {
  const isIdLike = field.type === 'id' || field.type === 'reference';
  return {
    name: field.name,
    label: field.label,
    type: field.type,
    soapType: SOAP_TYPE[field.type],
    length: LENGTH[field.type] ?? 0,
    custom: field.custom,
    nillable: field.nillable,
    createable: field.createable,
    updateable: field.updateable,
    defaultedOnCreate: !field.nillable && !field.createable,
    calculated: field.name === 'Name' && !field.updateable,
    filterable: field.type !== 'textarea',
    sortable: field.type !== 'textarea',
    groupable: field.type !== 'textarea' && field.type !== 'datetime',
    unique: false,
    externalId: false,
    idLookup: field.type === 'id' || field.name === 'Email' || field.name === 'Username',
    referenceTo: field.referenceTo ? [field.referenceTo] : [],
    relationshipName: field.relationshipName ?? null,
    polymorphicForeignKey: false,
    cascadeDelete: false,
    restrictedDelete: false,
    picklistValues: [],
    ...(isIdLike ? { caseSensitive: false } : {}),
  };
}

export function describeObject(def: ObjectDef, version: string): Record<string, unknown> {
  return {
    ...describeBasic(def, version),
    fields: def.fields.map(describeField),
    childRelationships: [],
    recordTypeInfos: [],
  };
}
