import type { ServerMessages } from './en'

/** Portuguese (Portugal): only what differs from Brazil's `pt`, laid over it. */
export const ptPT: Partial<ServerMessages> = {
  introConfirmedInvitee: 'A sua reunião está marcada: {meeting} com {name}.',
  subjectConfirmedHost: 'Nova marcação: {meeting} com {name} para {when}',
  introConfirmedHost: '{name} marcou {meeting} consigo.',
  subjectRescheduled: 'Remarcado: {meeting} com {name}, agora para {when}',
  forYou: 'Para si ({city}): {time}',
  reschedule: 'Remarcar',
  bookAgain: 'Marcar novamente',
  inviteDescription: 'Marcado com o Slotkit.',
  pageBook: 'Marcar uma reunião',
  pageCancel: 'Cancelar a sua marcação',
  pageReschedule: 'Remarcar a sua marcação',
  noscript: 'A marcação precisa de JavaScript. A API está documentada em {docs}.',
  linkFollows: 'a ligação segue noutro e-mail',
  callThem: 'Telefone a {name} para o {number}',
  theyCallYou: '{name} vai telefonar-lhe para o {number}',
  subjectMeetingLink: 'Ligação de vídeo: {meeting} com {name} para {when}',
  introMeetingLink: 'A ligação de vídeo de {meeting} com {name} está pronta.',
}
