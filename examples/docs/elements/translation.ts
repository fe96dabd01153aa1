import { registerTranslation, translationFor } from '@synapse-calling/elements';
registerTranslation({
  ...translationFor('en'),
  lang: 'fr',
  status: { ...translationFor('en').status, online: 'En ligne' },
});
