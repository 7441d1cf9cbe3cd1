/**
 * The account documents are held under while the patient id they were issued to is not proven by
 * anyone (migration 0007 creates it disabled and password-less: nobody signs in as it). The access
 * rule needs no exception for it: a patient sees only documents whose patient_id is their own.
 */
export const HELD_ACCOUNT_ID = 'held-for-patient-id';
